package io.livehub.security.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;
import java.util.logging.Logger;

/** Tells the operator at every start where Livehub is and how it is protected. */
@Startup
@Singleton
public class Welcome {

    private static final Logger LOG = Logger.getLogger(Welcome.class.getName());

    /** Where users reach this server, e.g. {@code http://localhost:8080/}; set by the start command. */
    @Inject
    @ConfigProperty(name = "livehub.url")
    Optional<String> url;

    @PostConstruct
    void greet() {
        LOG.warning("Authentication is OFF (livehub.auth.mode=open): anyone who reaches this server can read and write events");
        url.ifPresentOrElse(
                u -> LOG.info("Livehub is ready: open " + u + " (API " + u + "api/events, WebSocket " + u.replaceFirst("^http", "ws") + "ws)"),
                () -> LOG.info("Livehub is ready"));
    }
}
