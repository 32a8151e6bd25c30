package io.livehub.security.boundary;

import io.livehub.support.Api;
import io.livehub.support.Deployed;
import io.livehub.support.LiveClient;
import io.livehub.support.RawSocket;
import io.livehub.support.TestTokens;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What attackers and buggy clients send, thrown at the socket and the REST API. After each
 * test a well-behaved client must still be served, and every event stored before is still there.
 */
class HostileInputIT extends Deployed {

    Api api;
    String channel;
    List<String> stored;

    @BeforeEach
    void storeSomeEvents() {
        api = new Api(base);
        channel = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
        stored = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stored.add(api.create(channel, "kept").getString("id"));
        }
    }

    @AfterEach
    void aWellBehavedClientIsStillServedAndNothingWasLost() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":0}");
            assertTrue(client.next().getBoolean("recovered"));
            List<String> replayed = new ArrayList<>();
            for (int seq = 1; seq <= stored.size(); seq++) {
                JsonObject message = client.next();
                assertEquals(seq, message.getInt("seq"));
                replayed.add(message.getJsonObject("data").getString("id"));
            }
            assertEquals(stored, replayed, "every stored event is still there");
            String live = api.create(channel, "after").getString("id");
            assertEquals(live, client.next().getJsonObject("data").getString("id"), "and live delivery goes on");
        }
    }

    @Test
    void deeplyNestedJsonOnTheSocketIsBadJson() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send("[".repeat(30_000) + "]".repeat(30_000));
            assertEquals("bad_json", client.next().getJsonObject("error").getString("code"));
            client.send("{\"type\":\"ping\",\"id\":\"" + "{".repeat(20_000) + "\"}");
            assertEquals("pong", client.next().getString("type"), "a string full of braces is just a string");
        }
    }

    @Test
    void deeplyNestedOrHugeRestBodiesAre4xx() {
        HttpResponse<String> nested = api.post("api/events",
                "{\"type\":\"x\",\"payload\":{\"a\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}}");
        assertClientError(nested);
        assertClientError(api.post("api/events", "{\"type\":\"" + "t".repeat(300_000) + "\"}"));
        assertClientError(api.post("api/events", "{\"type\":\"x\",\"channel\":\"" + "c".repeat(300_000) + "\"}"));
        assertClientError(api.post("api/events", "{\"type\":\"x\",\"status\":[\"delivered\"],\"payload\":\"{}\"}"));
        assertClientError(api.post("api/events/batch", "[" + "null,".repeat(10) + "null]"));
        assertClientError(api.get("api/events?channel=" + channel + "&after=99999999999999999999999"));
        assertClientError(api.get("api/events?limit=-1"));
    }

    @Test
    void wrongTypesUnknownFieldsAndStrangeSinceValues() throws Exception {
        try (LiveClient client = LiveClient.connect(api.base(), null)) {
            client.send("{\"type\":\"subscribe\",\"channel\":{\"$ne\":null}}");
            assertEquals("invalid", client.next().getJsonObject("error").getString("code"));
            client.send("{\"type\":\"subscribe\",\"channel\":\"x\",\"since\":1e30}");
            assertEquals("invalid", client.next().getJsonObject("error").getString("code"));
            client.send("{\"type\":\"subscribe\",\"channel\":\"x\",\"since\":-9223372036854775808}");
            assertEquals("invalid", client.next().getJsonObject("error").getString("code"));
            client.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "-max\",\"since\":9223372036854775807}");
            assertFalse(client.next().getBoolean("recovered"), "a since beyond the channel cannot be recovered");
            client.send("{\"type\":\"ping\",\"id\":\"u\",\"__proto__\":{\"admin\":true},\"constructor\":[1,2]}");
            assertEquals("u", client.next().getString("id"), "unknown fields are ignored");
        }
    }

    @Test
    void binaryFramesAreAnsweredNotFatal() throws Exception {
        try (RawSocket raw = RawSocket.connect(api.base(), "token=" + TestTokens.admin(), 1 << 20)) {
            raw.send(0x2, new byte[]{0, 1, 2, (byte) 0xff});
            assertTrue(nextText(raw).contains("binary frames are not accepted"));
            raw.sendText("{\"type\":\"ping\",\"id\":\"b\"}");
            assertTrue(nextText(raw).contains("\"pong\""));
        }
    }

    @Test
    void invalidUtf8ClosesOnlyThatConnection() throws Exception {
        try (RawSocket raw = RawSocket.connect(api.base(), "token=" + TestTokens.admin(), 1 << 20)) {
            raw.send(0x1, new byte[]{'{', '"', (byte) 0xc3, (byte) 0x28, '"', '}'});
            int code = closeCode(raw);
            assertTrue(code == 1007 || code == 1002, "the protocol says: fail the connection (" + code + ")");
        }
    }

    @Test
    void thousandsOfSubscribesAreRefusedWithoutHarm() throws Exception {
        try (RawSocket raw = RawSocket.connect(api.base(), "token=" + TestTokens.admin(), 1 << 20)) {
            for (int i = 0; i < 3000; i++) {
                try {
                    raw.sendText("{\"type\":\"subscribe\",\"channel\":\"flood-" + i + "\"}");
                } catch (IOException closed) {
                    break;
                }
            }
            assertEquals(1008, closeCode(raw), "sustained abuse ends the connection");
        }
        JsonObject stats = Api.json(api.get("api/admin/stats")).getJsonObject("metrics");
        assertTrue(stats.getInt("subscriptions") < 3000, "the flood's subscriptions did not stay: " + stats);
    }

    private static String nextText(RawSocket raw) throws IOException {
        while (true) {
            RawSocket.Frame f = raw.next();
            if (f.opcode() == 0x9) {
                raw.send(0xA, f.payload());
            } else if (f.opcode() == 0x1 && !f.text().contains("metrics_update")) {
                return f.text();
            }
        }
    }

    /** Reads until the server's close frame, answering pings, and answers its code. */
    private static int closeCode(RawSocket raw) throws IOException {
        while (true) {
            RawSocket.Frame f = raw.next();
            if (f.opcode() == 0x8) {
                return f.closeCode();
            }
            if (f.opcode() == 0x9) {
                raw.send(0xA, f.payload());
            }
        }
    }

    private static void assertClientError(HttpResponse<String> r) {
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, r.statusCode() + ": " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), r.body());
        assertFalse(r.body().contains("Exception") || r.body().contains("io.livehub"), r.body());
    }
}
