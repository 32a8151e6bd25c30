package io.livehub.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScanTest {

    private static Scan scan(String json) {
        Scan s = new Scan();
        byte[] a = json.getBytes(StandardCharsets.UTF_8);
        s.read(a, 0, a.length);
        return s;
    }

    @Test
    void readsAnEventsSeqAndSentAtWhereverItIs() {
        Scan s = scan("{\"type\":\"event_created\",\"channel\":\"c\",\"seq\":42,\"data\":{\"seq\":7,\"payload\":{\"sent_at_ns\":123456}}}");
        assertEquals(Scan.EVENT_CREATED, s.type);
        assertEquals(42, s.seq, "the top-level seq, not the nested one");
        assertEquals(123456, s.sentAt);
    }

    @Test
    void readsWhetherASubscriptionRecovered() {
        assertEquals(1, scan("{\"type\":\"subscribed\",\"channel\":\"c\",\"seq\":9,\"recovered\":true}").recovered);
        Scan lost = scan("{\"type\":\"subscribed\",\"channel\":\"c\",\"seq\":9,\"recovered\": false}");
        assertEquals(Scan.SUBSCRIBED, lost.type);
        assertEquals(0, lost.recovered);
        assertEquals(-1, scan("{\"type\":\"subscribed\",\"channel\":\"c\",\"seq\":9}").recovered, "absent without since");
        assertEquals(-1, scan("{\"type\":\"x\",\"data\":{\"recovered\":true}}").recovered, "only at the top level");
    }
}
