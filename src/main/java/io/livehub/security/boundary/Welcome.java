package io.livehub.security.boundary;

import io.livehub.security.control.AuthMode;
import io.livehub.security.control.DevelopmentKeys;
import io.livehub.security.control.Tokens;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Tells the operator at every start where Livehub is and how it is protected: loudly when
 * authentication is off; with a ready admin token when the server signs with its own
 * development key (the only token ever written to the log).
 */
@Startup
@Singleton
public class Welcome {

    private static final Logger LOG = Logger.getLogger(Welcome.class.getName());
    static final Duration ADMIN_TOKEN_TTL = Duration.ofHours(12);

    /** Where users reach this server, e.g. {@code http://localhost:8080/}; set by the start command. */
    @Inject
    @ConfigProperty(name = "livehub.url")
    Optional<String> url;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey")
    Optional<String> publicKey;

    @Inject
    AuthMode mode;

    @PostConstruct
    void greet() {
        String base = url.orElse("http://<host>:<port>/");
        if (mode.open()) {
            LOG.warning("AUTHENTICATION IS OFF (livehub.auth.mode=open): anyone who reaches this server can read and write events");
            LOG.info("Livehub is ready: open " + base);
            return;
        }
        if (!DevelopmentKeys.inUse() || publicKey.isEmpty()) {
            LOG.info("Livehub is ready at " + base + " (tokens are verified with the configured key)");
            return;
        }
        try {
            var key = Tokens.privateKey(Files.readString(DevelopmentKeys.dataDir().resolve(DevelopmentKeys.PRIVATE_FILE)));
            String token = Tokens.mint(key, Tokens.DEVELOPMENT_ISSUER, "admin", List.of("admin"), null, ADMIN_TOKEN_TTL.toSeconds());
            LOG.info("Livehub is ready, signing with its development key (" + DevelopmentKeys.dataDir().toAbsolutePath()
                    + "). Admin token, valid " + ADMIN_TOKEN_TTL.toHours() + " h: " + token);
            LOG.info("Dashboard: " + base + "?token=" + token + "  Admin console: " + base + "admin/?token=" + token);
        } catch (IOException | RuntimeException e) {
            LOG.warning("Livehub is ready at " + base + ", but no admin token could be made from the development key: " + e.getMessage());
        }
    }
}
