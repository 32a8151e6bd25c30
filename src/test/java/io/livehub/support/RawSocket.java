package io.livehub.support;

import jakarta.json.Json;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * A WebSocket client on a bare TCP socket, for what a real client library would never do:
 * stop reading, send broken frames. Frames are written masked, as the protocol requires.
 */
public final class RawSocket implements AutoCloseable {

    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens {@code /ws?query} with a small receive buffer, so that a client that does not read fills up fast. */
    public static RawSocket connect(URI base, String query, int receiveBuffer, String... headers) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 10_000);
        socket.setSoTimeout(30_000);
        RawSocket raw = new RawSocket(socket);
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET /ws" + (query == null ? "" : "?" + query) + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + base.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + String.join("", java.util.Arrays.stream(headers).map(h -> h + "\r\n").toList())
                + "\r\n";
        raw.out.write(request.getBytes(StandardCharsets.US_ASCII));
        raw.out.flush();
        String head = raw.readHeaders();
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + head);
        }
        return raw;
    }

    private String readHeaders() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII).trim();
    }

    public void sendText(String text) throws IOException {
        send(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes one whole frame with the given opcode (0x1 text, 0x2 binary, 0x8 close, 0x9 ping). */
    public void send(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** The next whole frame from the server. */
    public Frame next() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload);
    }

    /** The next text message other than {@code metrics_update}, skipping pings and other frames. */
    public String nextMessage() throws IOException {
        while (true) {
            Frame f = next();
            if (f.opcode() == 0x1 && !f.text().contains("metrics_update")) {
                return f.text();
            }
        }
    }

    /**
     * Reads the channel's events after {@code seq} up to {@code last}, answering pings (a pong
     * opens the server's send window); each must be the next seq. The last seq read.
     */
    public int readEvents(int seq, int last) throws IOException {
        while (seq < last) {
            Frame f = next();
            if (f.opcode() == 0x9) {
                send(0xA, f.payload());
            } else if (f.opcode() == 0x8) {
                throw new AssertionError("closed with " + f.closeCode() + " after seq " + seq);
            } else if (f.opcode() == 0x1 && !f.text().contains("metrics_update")) {
                int next = Json.createReader(new StringReader(f.text())).readObject().getInt("seq");
                if (next != ++seq) {
                    throw new AssertionError("every event once, in order: expected seq " + seq + ", got " + next);
                }
            }
        }
        return seq;
    }

    /** Reads frames until the server's close frame and answers its code, or fails at the end of the stream. */
    public int awaitCloseCode() throws IOException {
        while (true) {
            Frame f = next();
            if (f.opcode() == 0x8) {
                return f.closeCode();
            }
        }
    }

    /**
     * Reads (and drops) frames until the server closes the connection; how long that took. A
     * server that keeps it open fails this with the socket's read time-out (30 s).
     */
    public Duration awaitEnd() throws IOException {
        long start = System.nanoTime();
        try {
            while (true) {
                next();
            }
        } catch (EOFException end) {
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    public InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
