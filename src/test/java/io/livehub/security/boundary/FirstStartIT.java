package io.livehub.security.boundary;

import io.livehub.security.control.Tokens;
import io.livehub.support.Api;
import io.livehub.support.LiveClient;
import io.livehub.support.RawSocket;
import io.livehub.support.ServerProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Livehub started as an operator does, with no key configured: it makes a development key pair
 * in its data directory, reuses it after a restart, prints a ready admin token (the only token
 * it ever logs), and refuses a handshake storm with 503 and {@code Retry-After}.
 */
class FirstStartIT {

    static final Pattern ADMIN_TOKEN = Pattern.compile("Admin token, valid \\d+ h: (\\S+)");

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
            printed = printedAdminToken(log);
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

    private static String printedAdminToken(Path log) throws IOException {
        Matcher m = ADMIN_TOKEN.matcher(Files.readString(log));
        assertTrue(m.find(), "the log prints a ready admin token");
        return m.group(1);
    }
}
