package io.livehub.admin.boundary;

import io.livehub.support.Api;
import io.livehub.support.Deployed;
import io.livehub.support.LiveClient;
import io.livehub.support.RawSocket;
import io.livehub.support.TestTokens;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API under /api/admin/ against a real server and real connections. */
class AdminIT extends Deployed {

    Api api;
    String channel;

    @BeforeEach
    void setUp() {
        api = new Api(base);
        channel = "admin-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void listsConnectionsWithTheirChannels() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), "channels=" + channel)) {
            client.next("subscribed");
            JsonObject mine = mine(channel);
            assertEquals(0, mine.getInt("queue_depth"));
            assertTrue(mine.getJsonNumber("messages_sent").longValue() >= 1, "the subscribed reply was sent");
            assertTrue(mine.getString("connected_at").endsWith("Z"));
            assertTrue(mine.containsKey("user") && mine.containsKey("remote_address"));
        }
    }

    @Test
    void closesAConnectionWith4500() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), "channels=" + channel)) {
            client.next("subscribed");
            String id = mine(channel).getString("id");
            assertEquals(204, api.delete("api/admin/connections/" + id).statusCode());
            assertEquals(4500, client.awaitClose().getCloseCode().getCode());
        }
        assertEquals(404, api.delete("api/admin/connections/no-such-connection").statusCode());
    }

    /** The server sends the close frame and waits for the answer (see {@code Hub.refuse}); a client that never answers is closed after 5 s. */
    @Test
    void closesAConnectionThatDoesNotAnswerTheCloseFrameAfterGivingItTime() throws Exception {
        try (RawSocket silent = RawSocket.connect(api.base(), "channels=" + channel + "&token=" + TestTokens.admin(), 65536)) {
            while (!silent.nextMessage().contains("subscribed")) {
                // what comes before the answer to its subscription
            }
            String id = mine(channel).getString("id");
            assertEquals(204, api.delete("api/admin/connections/" + id).statusCode());
            assertEquals(4500, silent.awaitCloseCode());
            Duration ended = silent.awaitEnd(); // the server closes the connection itself when the client does not answer
            assertTrue(ended.compareTo(Duration.ofSeconds(3)) >= 0, "after giving it time to answer (5 s): " + ended);
        }
    }

    @Test
    void listsChannelsWithSubscribersAndLatestSeq() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), "channels=" + channel)) {
            client.next("subscribed");
            api.create(channel, "a");
            api.create(channel, "b");
            client.next("event_created");
            client.next("event_created");
            JsonObject info = Api.json(api.get("api/admin/channels")).getJsonArray("channels").stream()
                    .map(JsonValue::asJsonObject).filter(c -> channel.equals(c.getString("name"))).findFirst().orElseThrow();
            assertEquals(1, info.getInt("subscribers"));
            assertEquals(2, info.getInt("latest_seq"));
            assertTrue(info.containsKey("events_per_second"));
        }
    }

    @Test
    void reportsNodeAndMetrics() {
        JsonObject stats = Api.json(api.get("api/admin/stats"));
        assertTrue(stats.getJsonObject("node").getJsonNumber("heap_used_bytes").longValue() > 0);
        assertTrue(stats.getJsonObject("node").getInt("threads") > 0);
        assertTrue(stats.getJsonObject("metrics").containsKey("total_events"));
    }

    @Test
    void broadcastsAnAnnouncementToEveryConnection() throws Exception {
        try (LiveClient a = LiveClient.connect(api.base(), null); LiveClient b = LiveClient.connect(api.base(), "channels=" + channel)) {
            b.next("subscribed");
            assertEquals(202, api.post("api/admin/announcements", "{\"message\":\"maintenance at 22:00\",\"level\":\"warning\"}").statusCode());
            for (LiveClient client : new LiveClient[]{a, b}) {
                JsonObject announcement = client.next("announcement");
                assertEquals("maintenance at 22:00", announcement.getJsonObject("data").getString("message"));
                assertEquals("warning", announcement.getJsonObject("data").getString("level"));
            }
        }
        assertEquals(400, api.post("api/admin/announcements", "{\"level\":\"info\"}").statusCode());
        assertEquals(400, api.post("api/admin/announcements", "{\"message\":\"x\",\"level\":\"panic\"}").statusCode());
        assertEquals(400, api.post("api/admin/announcements", "not json").statusCode());
    }

    private JsonObject mine(String channel) {
        return Api.json(api.get("api/admin/connections")).getJsonArray("connections").stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> c.getJsonArray("channels").stream().anyMatch(v -> v.toString().equals("\"" + channel + "\"")))
                .findFirst().orElseThrow(() -> new AssertionError("no connection subscribed to " + channel));
    }
}
