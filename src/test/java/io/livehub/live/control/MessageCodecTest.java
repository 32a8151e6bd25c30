package io.livehub.live.control;

import io.livehub.live.entity.ErrorCode;
import io.livehub.live.entity.ErrorMessage;
import io.livehub.live.entity.EventCreated;
import io.livehub.live.entity.EventDeleted;
import io.livehub.live.entity.EventUpdate;
import io.livehub.live.entity.Message;
import io.livehub.live.entity.MetricsUpdate;
import io.livehub.live.entity.Ping;
import io.livehub.live.entity.Pong;
import io.livehub.live.entity.Snapshot;
import io.livehub.live.entity.Subscribe;
import io.livehub.live.entity.Subscribed;
import io.livehub.live.entity.TextPing;
import io.livehub.live.entity.TextPong;
import io.livehub.live.entity.Unsubscribe;
import io.livehub.live.entity.Unsubscribed;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringReader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageCodecTest {

    static final String TS = "2026-11-22T10:15:30.123Z";
    static final JsonObject EVENT = Json.createObjectBuilder().add("id", "e-1").add("channel", "orders")
            .add("payload", Json.createObjectBuilder().add("n", 1)).add("seq", 42).build();

    static List<Message> everyJsonMessage() {
        return List.of(
                new Ping("p1"),
                new Pong("p1", TS),
                new Subscribe("s1", "orders", 41L),
                new Subscribe(null, "tenant-7.orders", null),
                new Unsubscribe("u1", "orders"),
                new Snapshot("n1", null, null),
                new Snapshot("n1", Json.createObjectBuilder().add("channels", Json.createObjectBuilder()).build(), TS),
                new Subscribed("s1", "orders", 42, true, TS),
                new Subscribed(null, "orders", 0, null, TS),
                new Unsubscribed("u1", "orders", TS),
                new EventCreated("orders", 42, EVENT, TS),
                new EventUpdate("orders", 43, EVENT, TS),
                new EventDeleted("orders", 44, Json.createObjectBuilder().add("id", "e-1").build(), TS),
                new MetricsUpdate(Json.createObjectBuilder().add("total_events", 7).build(), TS),
                ErrorMessage.of("x", ErrorCode.RATE_LIMITED, "slow down", TS));
    }

    @ParameterizedTest
    @MethodSource("everyJsonMessage")
    void roundTripsEveryMessageType(Message message) throws Exception {
        assertEquals(message, MessageDecoder.fromText(MessageEncoder.toText(message)));
    }

    @Test
    void writesTypeAndSnakeCaseFields() {
        JsonObject json = parse(MessageEncoder.toText(new EventCreated("orders", 42, EVENT, TS)));
        assertEquals("event_created", json.getString("type"));
        assertEquals("orders", json.getString("channel"));
        assertEquals(42, json.getInt("seq"));
        assertEquals(EVENT, json.getJsonObject("data"));
        assertEquals(TS, json.getString("timestamp"));
    }

    @Test
    void leavesRecoveredOutWhenNotAsked() {
        assertFalse(parse(MessageEncoder.toText(new Subscribed(null, "orders", 3, null, TS))).containsKey("recovered"));
        assertTrue(parse(MessageEncoder.toText(new Subscribed(null, "orders", 3, false, TS))).containsKey("recovered"));
    }

    @Test
    void writesErrorAsCodeAndMessage() {
        JsonObject json = parse(MessageEncoder.toText(ErrorMessage.of("7", ErrorCode.BAD_JSON, "not JSON", TS)));
        assertEquals("error", json.getString("type"));
        assertEquals("7", json.getString("id"));
        assertEquals("bad_json", json.getJsonObject("error").getString("code"));
        assertEquals("not JSON", json.getJsonObject("error").getString("message"));
    }

    @Test
    void bareTextPingAndPong() throws Exception {
        assertEquals(new TextPing(), MessageDecoder.fromText("ping"));
        assertEquals("pong", MessageEncoder.toText(new TextPong()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "nonsense", "[1,2]", "42", "\"ping\"", "{\"type\":\"ping\"", "null",
            "{\"type\":\"ping\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"})
    void refusesWhatIsNotAJsonObjectAsBadJson(String frame) {
        assertEquals(ErrorCode.BAD_JSON, assertThrows(BadMessage.class, () -> MessageDecoder.fromText(frame)).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"type\":null}", "{\"type\":7}", "{\"type\":\"shout\"}", "{\"type\":\"Subscribe\"}"})
    void refusesMissingOrUnknownTypes(String frame) {
        assertEquals(ErrorCode.UNKNOWN_TYPE, assertThrows(BadMessage.class, () -> MessageDecoder.fromText(frame)).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"subscribe\"}",
            "{\"type\":\"subscribe\",\"channel\":\"\"}",
            "{\"type\":\"subscribe\",\"channel\":\"Orders\"}",
            "{\"type\":\"subscribe\",\"channel\":7}",
            "{\"type\":\"subscribe\",\"channel\":\"orders\",\"since\":-1}",
            "{\"type\":\"subscribe\",\"channel\":\"orders\",\"since\":1.5}",
            "{\"type\":\"subscribe\",\"channel\":\"orders\",\"since\":\"3\"}",
            "{\"type\":\"subscribe\",\"channel\":\"orders\",\"since\":99999999999999999999999}",
            "{\"type\":\"unsubscribe\"}",
            "{\"type\":\"ping\",\"id\":5}"})
    void refusesWrongFieldsAsInvalidNamingTheField(String frame) {
        BadMessage refused = assertThrows(BadMessage.class, () -> MessageDecoder.fromText(frame));
        assertEquals(ErrorCode.INVALID, refused.code());
        assertTrue(refused.getMessage().contains("field '"), refused.getMessage());
    }

    @Test
    void keepsTheIdOfARefusedMessageForTheReply() {
        assertEquals("r9", assertThrows(BadMessage.class,
                () -> MessageDecoder.fromText("{\"type\":\"subscribe\",\"id\":\"r9\"}")).id());
    }

    @Test
    void countsNestingOutsideStringsOnly() {
        assertTrue(io.livehub.events.control.JsonDepth.exceeds("[".repeat(65), 64));
        assertFalse(io.livehub.events.control.JsonDepth.exceeds("[".repeat(64) + "]".repeat(64), 64));
        assertFalse(io.livehub.events.control.JsonDepth.exceeds("{\"a\":\"" + "{[".repeat(500) + "\\\"\"}", 64));
    }

    @Test
    void ignoresUnknownFields() throws Exception {
        assertEquals(new Ping("a"), MessageDecoder.fromText("{\"type\":\"ping\",\"id\":\"a\",\"extra\":{\"x\":[1]}}"));
    }

    static JsonObject parse(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
