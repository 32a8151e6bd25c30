package io.livehub.live.control;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TyrusFramesTest {

    /** The chain of an upgraded connection on Payara Micro 6.2025.10's HTTP listener, as it logs it. */
    static final List<String> PAYARA_HTTP = List.of(
            "org.glassfish.grizzly.filterchain.TransportFilter",
            "org.glassfish.grizzly.utils.IdleTimeoutFilter",
            "com.sun.enterprise.v3.services.impl.GlassfishNetworkListener$GlassfishHttpCodecFilter",
            "org.glassfish.grizzly.http2.Http2ServerFilter",
            "org.glassfish.grizzly.http.server.FileCacheFilter",
            "org.glassfish.grizzly.extras.addons.WebSocketAddOnProvider$GlassfishWebSocketFilter",
            "org.glassfish.grizzly.http.server.HttpServerFilter");

    @Test
    void payarasPlainHttpChainPassesWritesThrough() {
        assertTrue(TyrusFrames.passThrough(PAYARA_HTTP));
    }

    @Test
    void aTlsListenerKeepsTheChain() {
        List<String> secure = new ArrayList<>(PAYARA_HTTP);
        secure.add(1, "org.glassfish.grizzly.ssl.SSLBaseFilter");
        assertFalse(TyrusFrames.passThrough(secure));
        List<String> sni = new ArrayList<>(PAYARA_HTTP);
        sni.add(1, "org.glassfish.grizzly.sni.SNIFilter");
        assertFalse(TyrusFrames.passThrough(sni));
    }

    @Test
    void anUnknownFilterOrShapeKeepsTheChain() {
        List<String> unknown = new ArrayList<>(PAYARA_HTTP);
        unknown.add("org.example.CompressingFilter");
        assertFalse(TyrusFrames.passThrough(unknown));
        assertFalse(TyrusFrames.passThrough(PAYARA_HTTP.subList(1, PAYARA_HTTP.size())), "no transport filter first");
        assertFalse(TyrusFrames.passThrough(List.of()));
    }

    @Test
    void aCloseFrameCarriesItsCodeAndAReasonCutToWhatAControlFrameHolds() {
        ByteBuffer frame = ByteBuffer.wrap(TyrusFrames.closeFrame(1013, "too many connections"));
        assertEquals(0x88, frame.get() & 0xff, "FIN and opcode 8, unmasked");
        assertEquals(2 + 20, frame.get());
        assertEquals(1013, frame.getShort());
        byte[] reason = new byte[frame.remaining()];
        frame.get(reason);
        assertEquals("too many connections", new String(reason, StandardCharsets.UTF_8));

        ByteBuffer cut = ByteBuffer.wrap(TyrusFrames.closeFrame(1008, "x".repeat(300)));
        assertEquals(125, cut.get(1), "a control frame's payload is at most 125 bytes");
        assertEquals(4 + 123, cut.remaining());
    }
}
