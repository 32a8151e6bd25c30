package io.livehub.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One kept-alive HTTP/1.1 connection to 127.0.0.1, blocking, one request at a time: the cheapest
 * client for thousands of POSTs a second, so the generator is not what limits ingest.
 */
final class Http implements AutoCloseable {

    private final int port;
    /** The {@code Authorization} header line, or empty. */
    private final String authorization;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private byte[] body = new byte[64 * 1024];
    int status;
    int length;

    /** With {@code token} (may be null) sent as {@code Authorization: Bearer} on every request. */
    Http(int port, String token) {
        this.port = port;
        this.authorization = authorization(token);
    }

    /** The request header line that carries {@code token}, or nothing without one. */
    static String authorization(String token) {
        return token == null ? "" : "Authorization: Bearer " + token + "\r\n";
    }

    /** POSTs JSON; afterwards {@link #status} and the answer in {@link #body()} up to {@link #length}. */
    Http post(String path, byte[] json) throws IOException {
        return request("POST", path, json);
    }

    Http get(String path) throws IOException {
        return request("GET", path, null);
    }

    private Http request(String method, String path, byte[] json) throws IOException {
        for (int attempt = 0; ; attempt++) {
            boolean fresh = socket == null;
            try {
                if (fresh) {
                    open();
                }
                StringBuilder head = new StringBuilder(160).append(method).append(' ').append(path)
                        .append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port).append("\r\n").append(authorization);
                if (json != null) {
                    head.append("Content-Type: application/json\r\nContent-Length: ").append(json.length).append("\r\n");
                }
                out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
                if (json != null) {
                    out.write(json);
                }
                out.flush();
                readResponse();
                return this;
            } catch (IOException e) {
                close();
                // a kept-alive connection the server closed meanwhile: once more on a fresh one
                if (fresh || attempt > 0) {
                    throw e;
                }
            }
        }
    }

    byte[] body() {
        return body;
    }

    String text() {
        return new String(body, 0, length, StandardCharsets.UTF_8);
    }

    private void open() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(60_000);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    private void readResponse() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        status = Integer.parseInt(statusLine.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean closes = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase();
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase().contains("chunked");
                case "connection" -> closes = value.equalsIgnoreCase("close");
                default -> {
                }
            }
        }
        length = 0;
        if (chunked) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                readBody(size);
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (contentLength > 0) {
            readBody((int) contentLength);
        }
        if (closes) {
            close();
        }
    }

    private void readBody(int n) throws IOException {
        if (body.length < length + n) {
            body = Arrays.copyOf(body, Math.max(length + n, body.length * 2));
        }
        int read = in.readNBytes(body, length, n);
        if (read < n) {
            throw new IOException("the answer ended early");
        }
        length += n;
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int end = s.length();
                return end > 0 && s.charAt(end - 1) == '\r' ? s.substring(0, end - 1) : s.toString();
            }
            s.append((char) c);
        }
        throw new IOException("connection closed by the server");
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
        socket = null;
    }
}
