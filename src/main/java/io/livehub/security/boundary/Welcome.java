package io.livehub.security.boundary;

import io.livehub.security.control.AuthMode;
import io.livehub.security.control.DevelopmentKeys;
import io.livehub.security.control.Tokens;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells the operator at every start where Livehub is and how it is protected: loudly when
 * authentication is off; with a ready admin token when the server signs with its own
 * development key (the only token ever written to the log).
 * <p>
 * The "ready" lines wait until the server really serves the dashboard: this bean starts while
 * the application is still deploying, and a user who opened the printed URL at once got the
 * container's error page. When {@code livehub.url} names this machine (as {@code mvn -Pstart}
 * sets it) they are logged once a GET of it answers 200; otherwise at once.
 */
@Startup
@Singleton
public class Welcome {

    private static final Logger LOG = Logger.getLogger(Welcome.class.getName());
    static final Duration ADMIN_TOKEN_TTL = Duration.ofHours(12);
    private static final Duration SERVING_TIMEOUT = Duration.ofMinutes(2);
    private static final Set<String> THIS_MACHINE = Set.of("localhost", "127.0.0.1", "[::1]");

    /** Where users reach this server, e.g. {@code http://localhost:8080/}; set by the start command. */
    @Inject
    @ConfigProperty(name = "livehub.url")
    Optional<String> url;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey")
    Optional<String> publicKey;

    @Inject
    AuthMode mode;

    @Resource
    ManagedExecutorService executor;

    @PostConstruct
    void greet() {
        String base = url.orElse("http://<host>:<port>/");
        List<String> ready = new ArrayList<>();
        if (mode.open()) {
            LOG.warning("AUTHENTICATION IS OFF (livehub.auth.mode=open): anyone who reaches this server can read and write events");
            ready.add("Livehub is ready: open " + base);
        } else if (!DevelopmentKeys.inUse() || publicKey.isEmpty()) {
            ready.add("Livehub is ready at " + base + " (tokens are verified with the configured key)");
        } else {
            try {
                var key = Tokens.privateKey(Files.readString(DevelopmentKeys.dataDir().resolve(DevelopmentKeys.PRIVATE_FILE)));
                String token = Tokens.mint(key, Tokens.DEVELOPMENT_ISSUER, "admin", List.of("admin"), null, ADMIN_TOKEN_TTL.toSeconds());
                ready.add("Livehub is ready, signing with its development key (" + DevelopmentKeys.dataDir().toAbsolutePath()
                        + "). Admin token, valid " + ADMIN_TOKEN_TTL.toHours() + " h: " + token);
                ready.add("Dashboard: " + base + "?token=" + token + "  Admin console: " + base + "admin/?token=" + token);
            } catch (IOException | RuntimeException e) {
                LOG.warning("Livehub is ready at " + base + ", but no admin token could be made from the development key: " + e.getMessage());
                return;
            }
        }
        URI dashboard = url.map(Welcome::onThisMachine).orElse(null);
        if (dashboard == null) {
            ready.forEach(LOG::info);
        } else {
            executor.execute(() -> {
                awaitServing(dashboard);
                ready.forEach(LOG::info);
            });
        }
    }

    private static URI onThisMachine(String url) {
        try {
            URI uri = URI.create(url);
            return "http".equals(uri.getScheme()) && uri.getHost() != null
                    && THIS_MACHINE.contains(uri.getHost().toLowerCase(Locale.ROOT)) ? uri : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Returns once a GET of the dashboard answers 200, or after {@link #SERVING_TIMEOUT} (and says so). */
    private static void awaitServing(URI dashboard) {
        // HTTP/1.1: the client's default h2c upgrade is not needed for a probe
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest get = HttpRequest.newBuilder(dashboard).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + SERVING_TIMEOUT.toNanos();
        int last = 0;
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == 200) {
                    return;
                }
            } catch (IOException notYet) {
                last = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(100); // the poll's pace, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.log(Level.WARNING, "{0} did not answer 200 within {1} s (last answer: {2})",
                new Object[]{dashboard, SERVING_TIMEOUT.toSeconds(), last == 0 ? "none" : last});
    }
}
