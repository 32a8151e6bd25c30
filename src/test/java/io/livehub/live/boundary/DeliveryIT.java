package io.livehub.live.boundary;

import io.livehub.support.Api;
import io.livehub.support.Deployed;
import io.livehub.support.LiveClient;
import io.livehub.support.RawSocket;
import io.livehub.support.TestTokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ordering and recovery: every subscriber sees a channel's seqs 1, 2, 3 ... once each, also with
 * many concurrent writers, and a client that reconnects with {@code since} misses nothing.
 * Runs with {@code livehub.history.size=1000} (pom.xml), so the history can be outrun cheaply.
 */
class DeliveryIT extends Deployed {

    Api api;
    String channel;

    @BeforeEach
    void setUp() {
        api = new Api(base);
        channel = "order-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void replaysMissedEventsThenGoesLiveWithoutGapOrDuplicate() throws Exception {
        try (LiveClient first = LiveClient.connect(api.base(), "channels=" + channel)) {
            first.next("subscribed");
            for (int i = 0; i < 5; i++) {
                api.create(channel, "before");
            }
            for (int seq = 1; seq <= 5; seq++) {
                assertEquals(seq, first.next().getInt("seq"));
            }
        }
        List<String> missed = new ArrayList<>();
        for (int batch = 0; batch < 3; batch++) {
            missed.addAll(createBatch(200)); // 600 missed: the replay reads the store in pages of 500
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (LiveClient again = LiveClient.connect(api.base(), null)) {
            again.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":5,\"id\":\"r\"}");
            // writes race with the replay: they must follow it, each exactly once
            Future<List<String>> live = writer.submit(() -> {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    ids.add(api.create(channel, "live").getString("id"));
                }
                return ids;
            });
            JsonObject subscribed = again.next();
            assertEquals("subscribed", subscribed.getString("type"));
            assertEquals("r", subscribed.getString("id"));
            assertTrue(subscribed.getBoolean("recovered"));
            long latest = subscribed.getJsonNumber("seq").longValue();
            assertTrue(latest >= 605, "latest " + latest);
            List<String> expected = new ArrayList<>(missed);
            expected.addAll(live.get(60, TimeUnit.SECONDS));
            for (int seq = 6; seq <= 655; seq++) {
                JsonObject message = again.next();
                assertEquals("event_created", message.getString("type"));
                assertEquals(seq, message.getInt("seq"), "seq out of order");
                assertEquals(expected.get(seq - 6), message.getJsonObject("data").getString("id"));
            }
            again.send("{\"type\":\"ping\",\"id\":\"end\"}");
            assertEquals("pong", again.next().getString("type"), "nothing after the last event");
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void sinceAtTheLatestSeqRecoversNothingAndGoesLive() throws Exception {
        api.create(channel, "a");
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":1}");
            JsonObject subscribed = client.next();
            assertTrue(subscribed.getBoolean("recovered"));
            assertEquals(1, subscribed.getInt("seq"));
            api.create(channel, "b");
            assertEquals(2, client.next().getInt("seq"));
        }
    }

    @Test
    void sinceBeyondTheHistoryIsNotRecovered() throws Exception {
        createBatch(1000);
        createBatch(300);
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":10}");
            JsonObject subscribed = client.next();
            assertEquals("subscribed", subscribed.getString("type"));
            assertFalse(subscribed.getBoolean("recovered"));
            assertEquals(1300, subscribed.getInt("seq"));
            api.create(channel, "live");
            assertEquals(1301, client.next().getInt("seq"), "nothing replayed, live goes on");
        }
        HttpResponse<String> reload = api.get("api/events?channel=" + channel + "&after=1299");
        assertEquals(2, Api.json(reload).getJsonArray("events").size(), "the REST cursor still works after a reset");
    }

    @Test
    void sinceAheadOfTheServerIsNotRecovered() throws Exception {
        api.create(channel, "a");
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":99}");
            JsonObject subscribed = client.next();
            assertFalse(subscribed.getBoolean("recovered"));
            assertEquals(1, subscribed.getInt("seq"));
        }
    }

    @Test
    void concurrentWritersGiveEverySubscriberAGapFreeRun() throws Exception {
        int writers = 8;
        int eventsPerWriter = 25;
        List<LiveClient> subscribers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            // more subscribers than the dispatcher writes itself: the writer threads share them
            for (int i = 0; i < 24; i++) {
                // each its own user: one user may hold only 20 connections on the test servers
                String token = TestTokens.mint("reader-" + i, List.of("subscriber"), null, 600);
                LiveClient c = LiveClient.connect(api.base(), "channels=" + channel, token);
                c.next("subscribed");
                subscribers.add(c);
            }
            Set<String> created = ConcurrentHashMap.newKeySet();
            List<Future<Integer>> writes = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                writes.add(pool.submit(() -> {
                    int changes = 0;
                    for (int i = 0; i < eventsPerWriter; i++) {
                        String id = api.create(channel, "concurrent").getString("id");
                        created.add(id);
                        changes++;
                        if (i % 3 == 0) {
                            assertEquals(200, api.patch("api/events/" + id, "{\"status\":\"delivered\"}").statusCode());
                            changes++;
                        }
                    }
                    return changes;
                }));
            }
            // one more subscriber joins mid-storm and resumes from the very start
            LiveClient late = LiveClient.connect(api.base(), null);
            subscribers.add(late);
            late.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":0}");
            assertTrue(late.next().getBoolean("recovered"));

            int total = 0;
            for (Future<Integer> w : writes) {
                total += w.get(120, TimeUnit.SECONDS);
            }
            for (LiveClient subscriber : subscribers) {
                Set<String> seenCreated = new HashSet<>();
                for (int seq = 1; seq <= total; seq++) {
                    JsonObject message = subscriber.next();
                    assertEquals(seq, message.getInt("seq"), "every subscriber sees 1.." + total + " in order");
                    if ("event_created".equals(message.getString("type"))) {
                        seenCreated.add(message.getJsonObject("data").getString("id"));
                    }
                }
                assertEquals(created, seenCreated);
            }
        } finally {
            pool.shutdownNow();
            for (LiveClient c : subscribers) {
                c.close();
            }
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedAsSlowWhileOthersReceiveEverything() throws Exception {
        long droppedBefore;
        try (RawSocket stalled = RawSocket.connect(api.base(), "channels=" + channel + "&token=" + TestTokens.admin(), 4096);
             LiveClient healthy = LiveClient.connect(api.base(), "channels=" + channel)) {
            String first = stalled.nextMessage();
            assertTrue(first.contains("subscribed"), first);
            healthy.next("subscribed");
            droppedBefore = dropped();
            // from here on the stalled client reads nothing; unread bytes are bounded at 2 MiB (pom.xml),
            // and each burst (one batch, 320 KB) stays well below that for the healthy client
            String payload = "{\"blob\":\"" + "x".repeat(32_000) + "\"}";
            int total = 0;
            long stallStarted = System.nanoTime();
            for (int batch = 0; batch < 30; batch++) {
                total += createBatch(10, payload).size();
            }
            long posted = (System.nanoTime() - stallStarted) / 1_000_000;
            for (int seq = 1; seq <= total; seq++) {
                assertEquals(seq, healthy.next().getInt("seq"), "the healthy client gets everything, in order");
            }
            assertEquals(4408, stalled.awaitCloseCode(), "the stalled client is closed as a slow consumer");
            // for the record (the server logs the moment it closed the stalled client)
            System.out.printf("stalled reader: %d x 32 KB events posted in %d ms, all delivered in order to the healthy client%n",
                    total, posted);
        }
        // what it never got is counted as dropped once the server has let it go, at the latest when its
        // close answer is overdue (5 s); waiting for that also keeps its count out of the next test's
        awaitNoConnectionOnChannel(LiveClient.WAIT, "the server lets both connections go");
        assertTrue(dropped() > droppedBefore, "messages_dropped grows");
    }

    @Test
    void aClientWhoseConnectionEndsWithoutACloseFrameIsLetGoAtOnce() throws Exception {
        RawSocket client = RawSocket.connect(api.base(), "channels=" + channel + "&token=" + TestTokens.admin(), 65_536);
        assertTrue(client.nextMessage().contains("subscribed"));
        assertEquals(1, connectionsOnChannel());
        client.close(); // the process died: its TCP connection ends, with no close frame
        // well before a ping could find it dead (ping interval 3 s, then pong time-out 3 s: pom.xml)
        awaitNoConnectionOnChannel(Duration.ofSeconds(2), "the server lets the connection go as its TCP connection ends");
    }

    @Test
    void aClientThatDropsItsConnectionInsteadOfAnsweringTheCloseFrameIsLetGoAtOnce() throws Exception {
        RawSocket client = RawSocket.connect(api.base(), "channels=" + channel + "&token=" + TestTokens.admin(), 65_536);
        assertTrue(client.nextMessage().contains("subscribed"));
        String id = Api.json(api.get("api/admin/connections")).getJsonArray("connections").stream()
                .map(JsonValue::asJsonObject).filter(c -> c.getJsonArray("channels").getString(0, "").equals(channel))
                .findFirst().orElseThrow().getString("id");
        assertEquals(204, api.delete("api/admin/connections/" + id).statusCode());
        assertEquals(4500, client.awaitCloseCode());
        client.close(); // instead of answering
        // well before its answer is overdue (5 s), when the server would close it anyway
        awaitNoConnectionOnChannel(Duration.ofSeconds(3), "the server lets the connection go as its TCP connection ends");
    }

    @Test
    void aClientThatLagsIsSentTheRestFromTheChangeLogAndIsNotClosed() throws Exception {
        try (RawSocket lagging = RawSocket.connect(api.base(), "channels=" + channel + "&token=" + TestTokens.admin(), 4096)) {
            String first = lagging.nextMessage();
            assertTrue(first.contains("subscribed"), first);
            // while it reads nothing: 3 MB, beyond three quarters of the 2 MiB it may leave unread (pom.xml)
            String payload = "{\"blob\":\"" + "x".repeat(60_000) + "\"}";
            int total = createBatch(50, payload).size();
            long deadline = System.nanoTime() + LiveClient.WAIT.toNanos();
            while (catchingUp() == 0) {
                assertTrue(System.nanoTime() < deadline, "the server stops queuing the channel for the lagging client");
                Thread.sleep(20); // polling interval, bounded by the deadline
            }
            long dropped = dropped();

            int seq = lagging.readEvents(0, total);
            deadline = System.nanoTime() + LiveClient.WAIT.toNanos();
            while (catchingUp() != 0) {
                assertTrue(System.nanoTime() < deadline, "live again once caught up");
                Thread.sleep(20); // polling interval, bounded by the deadline
            }
            api.create(channel, "live");
            assertEquals(total + 1, lagging.readEvents(seq, total + 1), "live after catching up");
            assertEquals(dropped, dropped(), "nothing dropped");
        }
    }

    private long dropped() {
        return Api.json(api.get("api/metrics")).getJsonNumber("messages_dropped").longValue();
    }

    /** Waits, at most {@code within}, until the admin API lists no connection on this test's channel. */
    private void awaitNoConnectionOnChannel(Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (connectionsOnChannel() > 0) {
            assertTrue(System.nanoTime() < deadline, what + " within " + within.toMillis() + " ms");
            Thread.sleep(20); // polling interval, bounded by the deadline
        }
    }

    /** How many connections the admin API lists on this test's channel. */
    private long connectionsOnChannel() {
        return Api.json(api.get("api/admin/connections")).getJsonArray("connections").stream()
                .filter(c -> c.asJsonObject().getJsonArray("channels").getString(0, "").equals(channel)).count();
    }

    /** How many of its subscriptions the connection on this test's channel is fed from the change log (admin API). */
    private int catchingUp() {
        for (var c : Api.json(api.get("api/admin/connections")).getJsonArray("connections")) {
            JsonObject connection = c.asJsonObject();
            if (connection.getJsonArray("channels").getString(0, "").equals(channel)) {
                return connection.getInt("catching_up");
            }
        }
        throw new AssertionError("no connection on " + channel);
    }

    @Test
    void theChangeLogIsCutBackToTheHistorySizeAsTheChannelGrows() throws Exception {
        String url = System.getProperty("livehub.test.db.url");
        assumeTrue(url != null, "needs the database the server writes to (the postgresql execution)");
        // the servers of these tests keep livehub.history.size=1000 changes; a channel is trimmed every 256 seqs
        try (Connection db = DriverManager.getConnection(url, System.getProperty("livehub.test.db.user", "postgres"),
                System.getProperty("livehub.test.db.password", ""))) {
            for (int round = 1; round <= 3; round++) {
                createBatch(1000);
                createBatch(200);
                long[] kept = changeLog(db);
                assertEquals(1000, kept[0], "changes kept after " + round * 1200 + " events");
                assertEquals(round * 1200L - 999, kept[1], "the oldest change kept");
            }
        }
    }

    /** How many changes of the channel the store keeps, and the oldest seq among them. */
    private long[] changeLog(Connection db) throws SQLException {
        try (PreparedStatement count = db.prepareStatement("SELECT COUNT(*), MIN(seq) FROM lh_change WHERE channel = ?")) {
            count.setString(1, channel);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return new long[]{rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private List<String> createBatch(int n) {
        return createBatch(n, "{}");
    }

    private List<String> createBatch(int n, String payload) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "" : ",").append("{\"channel\":\"").append(channel)
                    .append("\",\"type\":\"missed\",\"payload\":").append(payload).append("}");
        }
        HttpResponse<String> r = api.post("api/events/batch", body.append("]").toString());
        assertEquals(201, r.statusCode(), r.body());
        List<String> ids = new ArrayList<>();
        Api.json(r).getJsonArray("events").forEach(e -> ids.add(e.asJsonObject().getString("id")));
        return ids;
    }
}
