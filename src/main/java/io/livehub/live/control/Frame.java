package io.livehub.live.control;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * One outgoing text message, serialized once for all its receivers: the text for the portable
 * send path, and (made on first use, then shared) the complete unmasked WebSocket frame, header
 * included, for a container that takes pre-built frames.
 */
public final class Frame {

    private volatile String text;
    private Supplier<String> source;
    private volatile byte[] wire;
    private final boolean close;

    public Frame(String text) {
        this.text = text;
        this.close = false;
    }

    private Frame(Supplier<String> source) {
        this.source = source;
        this.close = false;
    }

    private Frame(byte[] wire) {
        this.text = "";
        this.wire = wire;
        this.close = true;
    }

    /** A close frame (pre-built only: the portable path closes the session instead); nothing follows it. */
    static Frame close(int code, String reason) {
        return new Frame(TyrusFrames.closeFrame(code, reason));
    }

    boolean isClose() {
        return close;
    }

    /** Serialized on first use, once: a change that no connection receives is never serialized. */
    public static Frame lazy(Supplier<String> source) {
        return new Frame(source);
    }

    public String text() {
        String t = text;
        if (t == null) {
            synchronized (this) {
                if (text == null) {
                    text = source.get();
                    source = null;
                }
                t = text;
            }
        }
        return t;
    }

    /** Characters, the unit in which a connection's queue and its unread data are bounded. */
    int length() {
        return text().length();
    }

    /** The frame as it goes on the wire: FIN + text opcode, the payload length, the UTF-8 payload. */
    byte[] wire() {
        byte[] w = wire;
        if (w == null) {
            w = frame(0x81, text().getBytes(StandardCharsets.UTF_8));
            wire = w;
        }
        return w;
    }

    static byte[] frame(int firstByte, byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 2 : n < 65_536 ? 4 : 10;
        byte[] f = new byte[header + n];
        f[0] = (byte) firstByte;
        if (n < 126) {
            f[1] = (byte) n;
        } else if (n < 65_536) {
            f[1] = 126;
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
        } else {
            f[1] = 127;
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, f, header, n);
        return f;
    }
}
