package io.livehub.security.boundary;

import io.livehub.support.Api;
import io.livehub.support.Deployed;
import io.livehub.support.LiveClient;
import io.livehub.support.RawSocket;
import io.livehub.support.TestTokens;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authentication, roles, channel access and the abuse limits, with tokens signed by the tests'
 * key pair, which the server trusts through MicroProfile Config (pom.xml). Limits that are
 * lowered for the tests: per-user connections 20 (pom.xml). The handshake rate is tested in
 * {@link FirstStartIT}, on a server of its own.
 */
class SecurityIT extends Deployed {

    Api admin;
    String channel;

    @BeforeEach
    void setUp() {
        admin = new Api(base);
        channel = "sec-" + UUID.randomUUID().toString().substring(0, 8);
    }

    String token(String... groups) {
        return TestTokens.mint("user-" + UUID.randomUUID().toString().substring(0, 6), List.of(groups), null, 600);
    }

    @Test
    void restWithoutATokenIs401Problem() {
        HttpResponse<String> r = admin.as(null).get("api/events?channel=" + channel);
        assertProblem(r, 401);
        assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(""));
    }

    @Test
    void restWithAForgedTokenIs401Problem() {
        assertProblem(admin.as(TestTokens.forged("mallory", List.of("admin"))).get("api/events"), 401);
        assertProblem(admin.as("not.a.token").post("api/events", "{\"type\":\"x\"}"), 401);
    }

    @Test
    void restWithAnExpiredTokenIs401Problem() {
        String expired = TestTokens.mint("late", List.of("admin"), null, -3600);
        assertProblem(admin.as(expired).get("api/metrics"), 401);
    }

    @Test
    void aSubscriberReadsButCannotWrite() {
        Api subscriber = admin.as(token("subscriber"));
        assertEquals(200, subscriber.get("api/events?channel=" + channel).statusCode());
        assertEquals(200, subscriber.get("api/snapshot").statusCode());
        assertProblem(subscriber.post("api/events", "{\"channel\":\"" + channel + "\",\"type\":\"x\"}"), 403);
        assertEquals(0, Api.json(admin.get("api/events?channel=" + channel)).getJsonArray("events").size());
    }

    @Test
    void aPublisherWritesButOnlyAnAdminReachesTheAdminApi() {
        Api publisher = admin.as(token("publisher"));
        assertEquals(201, publisher.post("api/events", "{\"channel\":\"" + channel + "\",\"type\":\"x\"}").statusCode());
        assertProblem(publisher.get("api/admin/stats"), 403);
        assertProblem(admin.as(token("subscriber")).get("api/admin/connections"), 403);
        assertEquals(200, admin.get("api/admin/stats").statusCode());
    }

    @Test
    void socketWithoutATokenIsClosedWith1008() throws Exception {
        try (LiveClient client = LiveClient.connect(admin.base(), null, null)) {
            assertEquals(1008, client.awaitClose().getCloseCode().getCode());
        }
    }

    @Test
    void socketWithAForgedTokenIsClosedWith1008() throws Exception {
        try (LiveClient client = LiveClient.connect(admin.base(), "channels=" + channel, TestTokens.forged("mallory", List.of("admin")))) {
            assertEquals(1008, client.awaitClose().getCloseCode().getCode());
        }
    }

    @Test
    void socketTakesTheTokenFromTheAuthorizationHeader() throws Exception {
        try (LiveClient client = LiveClient.connectWithHeader(admin.base(), "channels=" + channel, token("subscriber"))) {
            assertEquals("subscribed", client.next().getString("type"));
        }
    }

    @Test
    void subscribingOutsideTheTokensChannelsIsForbiddenAndTheConnectionStaysOpen() throws Exception {
        String tenant = TestTokens.mint("tenant-user", List.of("subscriber"), List.of("tenant-7.*", channel), 600);
        try (LiveClient client = LiveClient.connect(admin.base(), null, tenant)) {
            client.send("{\"type\":\"subscribe\",\"channel\":\"tenant-7.orders\",\"id\":\"ok\"}");
            assertEquals("subscribed", client.next().getString("type"));
            client.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            assertEquals("subscribed", client.next().getString("type"));
            client.send("{\"type\":\"subscribe\",\"channel\":\"tenant-8.orders\",\"id\":\"no\"}");
            JsonObject error = client.next();
            assertEquals("forbidden", error.getJsonObject("error").getString("code"));
            assertEquals("no", error.getString("id"));
            client.send("{\"type\":\"ping\",\"id\":\"alive\"}");
            assertEquals("alive", client.next().getString("id"));
        }
    }

    @Test
    void simultaneousHandshakesEachKeepTheirOwnCaller() throws Exception {
        // one endpoint instance serves every connection: a caller must never leak into another's session
        int users = 24;
        ExecutorService pool = Executors.newFixedThreadPool(users);
        List<Future<LiveClient>> clients = new ArrayList<>();
        try {
            for (int i = 0; i < users; i++) {
                String own = channel + "-own-" + i;
                String token = TestTokens.mint("tenant-" + i, List.of("subscriber"), List.of(own), 600);
                clients.add(pool.submit(() -> LiveClient.connect(admin.base(), "channels=" + own, token)));
            }
            for (int i = 0; i < users; i++) {
                try (LiveClient client = clients.get(i).get(30, TimeUnit.SECONDS)) {
                    JsonObject answer = client.next();
                    assertEquals("subscribed", answer.getString("type"), "tenant-" + i + ": " + answer);
                    assertEquals(channel + "-own-" + i, answer.getString("channel"));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTokenThatExpiresWhileConnectedClosesWith4401() throws Exception {
        String shortLived = TestTokens.mint("brief", List.of("subscriber"), null, 2);
        try (LiveClient client = LiveClient.connect(admin.base(), "channels=" + channel, shortLived)) {
            assertEquals("subscribed", client.next().getString("type"));
            assertEquals(4401, client.awaitClose().getCloseCode().getCode());
        }
    }

    @Test
    void aBrowserFromAnotherOriginIsRefused() throws Exception {
        IOException refused = assertThrows(IOException.class, () -> RawSocket.connect(admin.base(),
                "token=" + TestTokens.admin(), 65536, "Origin: https://evil.example"));
        assertTrue(refused.getMessage().contains("403"), refused.getMessage());
        try (RawSocket own = RawSocket.connect(admin.base(), "token=" + TestTokens.admin(), 65536,
                "Origin: http://127.0.0.1:" + admin.base().getPort())) {
            own.sendText("{\"type\":\"ping\",\"id\":\"o\"}");
            assertTrue(nextNonMetrics(own).contains("pong"));
        }
    }

    @Test
    void tooManyConnectionsForOneUserAreClosedWith1013() throws Exception {
        String token = token("subscriber");
        List<LiveClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                LiveClient c = LiveClient.connect(admin.base(), null, token);
                c.send("{\"type\":\"ping\"}");
                assertEquals("pong", c.next().getString("type"));
                clients.add(c);
            }
            try (LiveClient oneTooMany = LiveClient.connect(admin.base(), null, token)) {
                assertEquals(1013, oneTooMany.awaitClose().getCloseCode().getCode());
            }
        } finally {
            for (LiveClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void floodingMessagesIsRateLimitedThenClosed() throws Exception {
        try (LiveClient client = LiveClient.connect(admin.base(), null)) {
            for (int i = 0; i < 5000 && client.isOpen(); i++) {
                try {
                    client.send("{\"type\":\"ping\"}");
                } catch (Exception closedMeanwhile) {
                    break;
                }
            }
            assertEquals(1008, client.awaitClose().getCloseCode().getCode(), "sustained abuse closes the connection");
            JsonObject limited = client.next(m -> "error".equals(m.getString("type")));
            assertEquals("rate_limited", limited.getJsonObject("error").getString("code"), "refusals came first");
        }
    }

    @Test
    void subscriptionsPerConnectionAreLimited() throws Exception {
        try (RawSocket raw = RawSocket.connect(admin.base(), "token=" + TestTokens.admin(), 1 << 20)) {
            int subscribed = 0;
            String refusal = null;
            for (int i = 0; i < 101; i++) {
                raw.sendText("{\"type\":\"subscribe\",\"channel\":\"" + channel + "-" + i + "\"}");
                String reply = nextNonMetrics(raw);
                if (reply.contains("\"subscribed\"")) {
                    subscribed++;
                } else {
                    refusal = reply;
                }
                if (i % 40 == 39) {
                    waitForRate(raw);
                }
            }
            assertEquals(100, subscribed);
            assertTrue(refusal.contains("forbidden") && refusal.contains("100 subscriptions"), refusal);
        }
    }

    @Test
    void aPeerThatNeverAnswersPingsIsClosedAndForgotten() throws Exception {
        String token = token("subscriber");
        try (RawSocket dead = RawSocket.connect(admin.base(), "channels=" + channel + "&token=" + token, 65536)) {
            long start = System.nanoTime();
            RawSocket.Frame f;
            do {
                f = dead.next(); // pings are read and never answered
            } while (f.opcode() != 0x8);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(4408, f.closeCode());
            assertTrue(new String(f.payload(), 2, f.payload().length - 2, java.nio.charset.StandardCharsets.UTF_8).contains("no pong"));
            assertTrue(seconds <= 10, "closed within ping interval + pong timeout + 1 s (3 + 3 + 1 in tests): " + seconds + " s");
        }
        // the server sent its close frame and waits for the answer; the peer's going (closing its socket) ends it
        long deadline = System.nanoTime() + LiveClient.WAIT.toNanos();
        boolean listed;
        while ((listed = listed(channel)) && System.nanoTime() < deadline) {
            Thread.sleep(50); // polling interval, bounded by the deadline
        }
        assertFalse(listed, "the registry keeps no closed connection");
    }

    private boolean listed(String channel) {
        return Api.json(admin.get("api/admin/connections")).getJsonArray("connections").stream()
                .anyMatch(c -> c.asJsonObject().getJsonArray("channels").toString().contains(channel));
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String huge = "{\"type\":\"x\",\"payload\":{\"b\":\"" + "y".repeat(9 * 1024 * 1024) + "\"}}";
        HttpResponse<String> r = admin.postLarge("api/events", huge);
        assertProblem(r, 413);
    }

    /** A bounded wait for the message budget to refill: a ping answered once it has. */
    private static void waitForRate(RawSocket raw) throws IOException {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            raw.sendText("{\"type\":\"ping\"}");
            if (nextNonMetrics(raw).contains("\"pong\"")) {
                return;
            }
        }
    }

    private static String nextNonMetrics(RawSocket raw) throws IOException {
        while (true) {
            RawSocket.Frame f = raw.next();
            if (f.opcode() == 0x9) {
                raw.send(0xA, f.payload());
                continue;
            }
            if (f.opcode() == 0x1 && !f.text().contains("metrics_update")) {
                return f.text();
            }
        }
    }

    static void assertProblem(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        JsonObject problem = Api.json(r);
        assertEquals(status, problem.getInt("status"));
        assertFalse(problem.getString("detail").isBlank());
        assertFalse(r.body().contains("Exception"), r.body());
    }
}
