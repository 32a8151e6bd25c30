package io.livehub.security.boundary;

import io.livehub.security.control.Tokens;
import io.livehub.support.Api;
import io.livehub.support.LiveClient;
import io.livehub.support.RawSocket;
import io.livehub.support.ServerProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Livehub started as an operator does, with no key configured: it makes a development key pair
 * in its data directory, reuses it after a restart, prints a ready admin token (the only token
 * it ever logs) once it serves the dashboard, and refuses a handshake storm with 503 and
 * {@code Retry-After}.
 */
class FirstStartIT {

    static final Pattern ADMIN_TOKEN = Pattern.compile("Admin token, valid \\d+ h: (\\S+)");
    static final Pattern DASHBOARD = Pattern.compile("Dashboard: (\\S+)");
    private static final Duration PRINTED_WITHIN = Duration.ofMinutes(3);

    @Test
    void securesTheFirstStartWithADevelopmentKeyAndLogsNoOtherToken() throws Exception {
        ServerProcess.Place place = ServerProcess.place("first-start");
        Path dataDir = place.dataDir();
        Path log = place.log();
        String[] config = {"livehub.data.dir=" + dataDir, "livehub.ws.handshake-rate=5"};
        String printed;
        String minted;
        try (ServerProcess server = new ServerProcess(log, config).start()) {
            assertTrue(Files.isRegularFile(dataDir.resolve("jwt-private.pem")), "the key pair is kept in the data directory");
            printed = printedAdminToken(server);
            Api api = new Api(server.base().toURL(), printed);
            assertEquals(201, api.post("api/events", "{\"type\":\"first\"}").statusCode(), "the printed token works");
            assertEquals(401, api.as(null).get("api/events").statusCode(), "and a token is needed");

            minted = Tokens.mint(Tokens.privateKey(Files.readString(dataDir.resolve("jwt-private.pem"))),
                    Tokens.DEVELOPMENT_ISSUER, "carol", List.of("subscriber"), null, 600);
            try (LiveClient client = LiveClient.connect(server.base(), "channels=events", minted)) {
                assertEquals("subscribed", client.next().getString("type"));
                client.send("{\"type\":\"nonsense\"}");
                assertEquals("error", client.next().getString("type"));
            }
            assertEquals(200, api.as(minted).get("api/events?channel=events").statusCode());
            assertEquals(401, api.as(minted + "x").get("api/events?channel=events").statusCode());

            assertStormRefused(server);
        }
        String logText = Files.readString(log);
        assertFalse(logText.contains(minted), "a token used by a client is never logged");
        assertFalse(logText.contains(minted.substring(minted.lastIndexOf('.') + 1)), "nor its signature");

        try (ServerProcess again = new ServerProcess(log, config).start()) {
            Api api = new Api(again.base().toURL(), printed);
            assertEquals(200, api.get("api/events?channel=events").statusCode(), "the key is reused after a restart");
        }
    }

    /** A hundred clients reconnecting at once, as after an outage: beyond 5 a second, 503 with Retry-After. */
    private static void assertStormRefused(ServerProcess server) throws Exception {
        int clients = 100;
        List<RawSocket> open = Collections.synchronizedList(new ArrayList<>());
        Set<String> refusals = ConcurrentHashMap.newKeySet();
        ExecutorService storm = Executors.newFixedThreadPool(clients);
        CyclicBarrier together = new CyclicBarrier(clients);
        try {
            List<Future<?>> attempts = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                attempts.add(storm.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    try {
                        open.add(RawSocket.connect(server.base(), null, 65536));
                    } catch (IOException e) {
                        refusals.add(e.getMessage());
                    }
                    return null;
                }));
            }
            for (Future<?> attempt : attempts) {
                attempt.get(60, TimeUnit.SECONDS);
            }
        } finally {
            storm.shutdownNow();
            for (RawSocket s : open) {
                s.close();
            }
        }
        String refusal = refusals.stream().filter(m -> m.contains(" 503")).findFirst().orElse(String.valueOf(refusals));
        assertTrue(refusal.contains(" 503") && refusal.contains("Retry-After: 1"), refusal);
    }

    private static String printedAdminToken(ServerProcess server) throws IOException, InterruptedException {
        Optional<MatchResult> m = server.awaitLog(0, ADMIN_TOKEN, PRINTED_WITHIN);
        assertTrue(m.isPresent(), "the log prints a ready admin token");
        return m.get().group(1);
    }

    /**
     * The printed dashboard URL works the moment it is printed: the server logs it once it
     * serves the page, not while the application is still deploying (a user who clicked at once
     * used to get the container's error page).
     */
    @Test
    void printsTheDashboardUrlOnceItServes() throws Exception {
        ServerProcess.Place place = ServerProcess.place("ready-line");
        try (ServerProcess server = new ServerProcess(place.log(), "livehub.data.dir=" + place.dataDir()).launch()) {
            Optional<MatchResult> line = server.awaitLog(0, DASHBOARD, PRINTED_WITHIN);
            assertTrue(line.isPresent(), "the dashboard URL is printed; see " + place.log());
            URI printed = URI.create(line.get().group(1));
            HttpResponse<String> page = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(printed).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), "the printed URL serves the dashboard as soon as it is printed: " + page.body());
            assertTrue(page.body().contains("<title>"), page.body());
            assertEquals(server.base().getPort(), printed.getPort(), "and names this server");
        }
    }
}
