package io.livehub.live.boundary;

import io.livehub.support.Api;
import io.livehub.support.Deployed;
import io.livehub.support.LiveClient;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The WebSocket protocol at /ws with a real Tyrus client against a real Payara Micro. */
class LiveIT extends Deployed {

    static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    Api api;
    String channel;

    @BeforeEach
    void setUp() {
        api = new Api(base);
        channel = "live-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void negotiatesTheSubprotocol() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            assertEquals("livehub.v1", client.subprotocol());
        }
    }

    @Test
    void answersPingWithPongEchoingTheId() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send("{\"type\":\"ping\",\"id\":\"p-1\"}");
            JsonObject pong = client.next();
            assertEquals("pong", pong.getString("type"));
            assertEquals("p-1", pong.getString("id"));
            assertTrue(pong.getString("timestamp").matches(TIMESTAMP), pong.toString());
        }
    }

    @Test
    void answersTheBareTextPingWithBarePong() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send("ping");
            String frame;
            do {
                frame = client.nextFrame();
            } while (frame.contains("metrics_update"));
            assertEquals("pong", frame);
        }
    }

    @Test
    void deliversCreateUpdateAndDeleteToASubscriber() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"id\":\"s\"}");
            JsonObject subscribed = client.next();
            assertEquals("subscribed", subscribed.getString("type"));
            assertEquals("s", subscribed.getString("id"));
            assertEquals(channel, subscribed.getString("channel"));
            assertEquals(0, subscribed.getInt("seq"));
            assertFalse(subscribed.containsKey("recovered"));

            JsonObject created = api.create(channel, "deploy.finished");
            JsonObject message = client.next();
            assertEquals("event_created", message.getString("type"));
            assertEquals(channel, message.getString("channel"));
            assertEquals(1, message.getInt("seq"));
            assertEquals(created, message.getJsonObject("data"));
            assertTrue(message.getString("timestamp").matches(TIMESTAMP));

            String id = created.getString("id");
            JsonObject patched = Api.json(api.patch("api/events/" + id, "{\"status\":\"delivered\"}"));
            JsonObject update = client.next();
            assertEquals("event_update", update.getString("type"));
            assertEquals(2, update.getInt("seq"));
            assertEquals(patched, update.getJsonObject("data"));

            assertEquals(204, api.delete("api/events/" + id).statusCode());
            JsonObject deleted = client.next();
            assertEquals("event_deleted", deleted.getString("type"));
            assertEquals(3, deleted.getInt("seq"));
            assertEquals(id, deleted.getJsonObject("data").getString("id"));
        }
    }

    @Test
    void subscribesAtConnectWithTheChannelsParameter() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), "channels=" + channel + "," + channel + "-b")) {
            assertEquals("subscribed", client.next().getString("type"));
            assertEquals("subscribed", client.next().getString("type"));
            api.create(channel + "-b", "x");
            JsonObject message = client.next();
            assertEquals(channel + "-b", message.getString("channel"));
        }
    }

    @Test
    void keepsChannelsApart() throws Exception {
        try (LiveClient a = LiveClient.connect(api.base(), "channels=" + channel + "-a");
             LiveClient b = LiveClient.connect(api.base(), "channels=" + channel + "-b")) {
            a.next("subscribed");
            b.next("subscribed");
            api.create(channel + "-a", "for-a");
            api.create(channel + "-b", "for-b");
            assertEquals("for-a", a.next("event_created").getJsonObject("data").getString("type"));
            assertEquals("for-b", b.next("event_created").getJsonObject("data").getString("type"));
            a.expectNone(m -> m.getString("type").startsWith("event_"), Duration.ofMillis(500));
            b.expectNone(m -> m.getString("type").startsWith("event_"), Duration.ofMillis(500));
        }
    }

    @Test
    void unsubscribeStopsDelivery() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), "channels=" + channel + "," + channel + "-kept")) {
            client.next("subscribed");
            client.next("subscribed");
            client.send("{\"type\":\"unsubscribe\",\"channel\":\"" + channel + "\",\"id\":\"u\"}");
            JsonObject unsubscribed = client.next();
            assertEquals("unsubscribed", unsubscribed.getString("type"));
            assertEquals("u", unsubscribed.getString("id"));
            api.create(channel, "after");
            api.create(channel + "-kept", "later");
            // the hub delivers in commit order: had the first been sent, it would come before this one
            assertEquals(channel + "-kept", client.next().getString("channel"));
        }
    }

    @Test
    void answersSnapshotRequests() throws Exception {
        JsonObject created = api.create(channel, "snap");
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send("{\"type\":\"snapshot\",\"id\":\"n\"}");
            JsonObject snapshot = client.next();
            assertEquals("snapshot", snapshot.getString("type"));
            assertEquals("n", snapshot.getString("id"));
            assertEquals(1, snapshot.getJsonObject("data").getJsonObject("channels").getInt(channel));
            assertEquals(created.getString("id"),
                    snapshot.getJsonObject("data").getJsonArray("events").getJsonObject(0).getString("id"));
            assertTrue(snapshot.getJsonObject("data").getJsonObject("metrics").containsKey("total_events"));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{nope                                                 | bad_json",
            "[1,2]                                                 | bad_json",
            "{\"channel\":\"x\"}                                   | unknown_type",
            "{\"type\":\"explode\"}                                | unknown_type",
            "{\"type\":\"event_created\",\"channel\":\"x\",\"seq\":1} | unknown_type",
            "{\"type\":\"subscribe\"}                              | invalid",
            "{\"type\":\"subscribe\",\"channel\":\"NO WAY\"}       | invalid",
            "{\"type\":\"subscribe\",\"channel\":\"ok\",\"since\":-5} | invalid",
            "{\"type\":\"unsubscribe\",\"channel\":\"never\"}      | invalid"})
    void answersBadMessagesWithAnErrorAndStaysOpen(String frame, String code) throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send(frame);
            JsonObject error = client.next();
            assertEquals("error", error.getString("type"), error.toString());
            assertEquals(code, error.getJsonObject("error").getString("code"));
            assertFalse(error.getJsonObject("error").getString("message").isBlank());
            assertFalse(error.toString().contains("Exception"), error.toString());
            client.send("{\"type\":\"ping\",\"id\":\"still\"}");
            assertEquals("still", client.next().getString("id"));
            assertTrue(client.isOpen());
        }
    }

    @Test
    void echoesTheIdOfARefusedMessage() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send("{\"type\":\"subscribe\",\"id\":\"bad-1\",\"channel\":\"\"}");
            JsonObject error = client.next();
            assertEquals("bad-1", error.getString("id"));
        }
    }

    @Test
    void refusesASecondSubscribeToTheSameChannel() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), "channels=" + channel)) {
            client.next("subscribed");
            client.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            assertEquals("invalid", client.next().getJsonObject("error").getString("code"));
        }
    }

    @Test
    void closesWith1009WhenAFrameIsTooBig() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send("{\"type\":\"ping\",\"id\":\"" + "x".repeat(70_000) + "\"}");
            CloseReason reason = client.awaitClose();
            assertEquals(1009, reason.getCloseCode().getCode());
        }
    }

    @Test
    void broadcastsMetricsThatCountTheStore() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            JsonObject before = Api.json(api.get("api/metrics"));
            api.post("api/events", "{\"channel\":\"" + channel + "\",\"type\":\"m\",\"status\":\"failed\"}");
            int total = before.getInt("total_events") + 1;
            int failed = before.getInt("failed_events") + 1;
            JsonObject update = client.next(m -> "metrics_update".equals(m.getString("type"))
                    && m.getJsonObject("data").getInt("total_events") == total);
            JsonObject data = update.getJsonObject("data");
            assertEquals(failed, data.getInt("failed_events"));
            assertTrue(data.getInt("connections") >= 1);
            assertEquals(1, data.getInt("nodes"));
            assertTrue(update.getString("timestamp").matches(TIMESTAMP));
            JsonObject next = client.next(m -> "metrics_update".equals(m.getString("type")));
            assertTrue(next.getJsonObject("data").getInt("messages_sent") >= 1);
        }
    }
}
