package io.livehub.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The floor under the fan-out figures on the machine the benchmark runs on: about the least a hub
 * can do per delivery in a JVM, so that a figure Livehub misses can be told apart from one no hub
 * reaches there. In memory, no container, no JSON library, no authentication, no resume: plain NIO
 * on one selector thread per core, each owning its connections; an event's frame is made once, in
 * a direct buffer, and written to each subscriber with one {@code write} call by the thread that
 * owns the subscriber's connection, with no queue in between unless the socket is full.
 *
 * <p>It speaks the part of Livehub's protocol the generator uses, as {@code bench/reference/hub.mjs}
 * does: {@code POST /api/events} and {@code /api/events/batch} (201 with the events, a gap-free seq per
 * channel), {@code GET /api/metrics}, and {@code /ws?channels=a,b} (subprotocol {@code livehub.v1}) with
 * {@code subscribe} messages, answered {@code subscribed}, then every event of the channel as
 * {@code event_created}. Started by {@link Benchmark} ({@code --stores=java-floor}) in its own JVM with
 * the server's flags: {@code java -cp target/test-classes io.livehub.bench.FloorHub PORT}.
 */
final class FloorHub {

    static final String NAME = "java-floor";
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_REQUEST = 16 << 20;

    private final Loop[] loops;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();

    private FloorHub(int threads) throws IOException {
        loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop(i);
        }
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        FloorHub hub = new FloorHub(Runtime.getRuntime().availableProcessors());
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        for (Loop loop : hub.loops) {
            loop.start();
        }
        System.out.println("floor hub (Java " + System.getProperty("java.version") + ", NIO, " + hub.loops.length
                + " selector threads) on http://127.0.0.1:" + port + "/, JVM flags: "
                + String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        for (int next = 0; ; next = (next + 1) % hub.loops.length) {
            SocketChannel accepted = server.accept();
            try {
                accepted.configureBlocking(false);
                accepted.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                hub.loops[next].adopt(accepted);
            } catch (IOException e) {
                System.out.println("floor hub: a connection could not be taken: " + e);
                close(accepted);
            }
        }
    }

    /** A channel: its last seq, and its subscribers by loop, each array replaced (never changed) under the lock. */
    private final class Channel {
        final String name;
        long seq;
        final Conn[][] subscribers = new Conn[loops.length][];

        Channel(String name) {
            this.name = name;
            Arrays.fill(subscribers, new Conn[0]);
        }

        /** Numbers the events, makes each frame once, and hands every loop its subscribers' writes, in seq order. */
        synchronized String publish(List<Event> events) {
            StringBuilder answer = new StringBuilder(events.size() * 256);
            String now = Instant.now().toString();
            for (Event e : events) {
                long n = ++seq;
                String data = "{\"id\":\"" + UUID.randomUUID() + "\",\"channel\":\"" + name + "\",\"type\":" + e.type
                        + ",\"status\":\"pending\",\"payload\":" + e.payload + ",\"seq\":" + n + ",\"created_at\":\"" + now
                        + "\",\"updated_at\":\"" + now + "\"}";
                ByteBuffer frame = textFrame("{\"type\":\"event_created\",\"channel\":\"" + name + "\",\"seq\":" + n
                        + ",\"data\":" + data + ",\"timestamp\":\"" + now + "\"}");
                for (Loop loop : loops) {
                    Conn[] to = subscribers[loop.index];
                    if (to.length > 0) {
                        loop.deliver(frame, to);
                    }
                }
                answer.append(answer.length() == 0 ? "" : ",").append(data);
            }
            return answer.toString();
        }

        /** Adds {@code c}; answers the seq it starts after. Called on {@code c}'s own loop. */
        synchronized long subscribe(Conn c) {
            Conn[] old = subscribers[c.loop.index];
            Conn[] now = Arrays.copyOf(old, old.length + 1);
            now[old.length] = c;
            subscribers[c.loop.index] = now;
            return seq;
        }

        synchronized void unsubscribe(Conn c) {
            Conn[] old = subscribers[c.loop.index];
            int i = Arrays.asList(old).indexOf(c);
            if (i >= 0) {
                Conn[] now = new Conn[old.length - 1];
                System.arraycopy(old, 0, now, 0, i);
                System.arraycopy(old, i + 1, now, i, old.length - i - 1);
                subscribers[c.loop.index] = now;
            }
        }
    }

    private record Event(String type, String payload) {
    }

    /** A selector thread: its connections' reads and every write to them, and the deliveries handed to it. */
    private final class Loop extends Thread {
        final int index;
        final Selector selector = Selector.open();
        final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final MessageDigest sha1;

        Loop(int index) throws IOException {
            super("floor-loop-" + index);
            this.index = index;
            try {
                sha1 = MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void adopt(SocketChannel channel) {
            run(() -> {
                try {
                    Conn c = new Conn(this, channel);
                    c.key = channel.register(selector, SelectionKey.OP_READ, c);
                } catch (IOException e) {
                    close(channel);
                }
            });
        }

        /** Writes {@code frame} to each of {@code to} on this thread, after whatever was handed to it before. */
        void deliver(ByteBuffer frame, Conn[] to) {
            run(() -> {
                for (Conn c : to) {
                    c.send(frame.duplicate());
                }
            });
        }

        private void run(Runnable task) {
            tasks.add(task);
            if (Thread.currentThread() != this) {
                selector.wakeup();
            }
        }

        @Override
        public void run() {
            while (true) {
                try {
                    selector.select();
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        Conn c = (Conn) key.attachment();
                        try {
                            if (key.isValid() && key.isWritable()) {
                                c.flush();
                            }
                            if (key.isValid() && key.isReadable()) {
                                c.read();
                            }
                        } catch (IOException | RuntimeException e) {
                            c.close();
                        }
                    }
                    for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
                        task.run();
                    }
                } catch (IOException | RuntimeException e) {
                    // one bad connection or task must not stop the thread that serves the others
                    System.out.println("floor hub: " + getName() + ": " + e);
                }
            }
        }
    }

    /** One TCP connection: HTTP requests until it is upgraded, then WebSocket frames. */
    private final class Conn {
        final Loop loop;
        final SocketChannel channel;
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(4096);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(0);
        boolean webSocket;
        boolean closing;
        final List<Channel> subscribed = new ArrayList<>(1);

        Conn(Loop loop, SocketChannel channel) {
            this.loop = loop;
            this.channel = channel;
        }

        void send(ByteBuffer data) {
            if (!channel.isOpen()) {
                return;
            }
            if (out.isEmpty()) {
                try {
                    channel.write(data);
                } catch (IOException e) {
                    close();
                    return;
                }
                if (!data.hasRemaining()) {
                    if (closing) {
                        close();
                    }
                    return;
                }
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            }
            out.add(data);
        }

        void flush() throws IOException {
            for (ByteBuffer b = out.peek(); b != null; b = out.peek()) {
                channel.write(b);
                if (b.hasRemaining()) {
                    return;
                }
                out.poll();
            }
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            if (closing) {
                close();
            }
        }

        void read() throws IOException {
            if (!in.hasRemaining()) {
                if (in.capacity() >= MAX_REQUEST) {
                    throw new IOException("a request over " + MAX_REQUEST + " bytes");
                }
                in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
            }
            if (channel.read(in) < 0) {
                close();
                return;
            }
            byte[] a = in.array();
            int end = in.position();
            int p = 0;
            while (p < end && !closing) {
                int used = webSocket ? frame(a, p, end) : request(a, p, end);
                if (used == 0) {
                    break;
                }
                p += used;
            }
            in.clear();
            in.put(a, p, end - p);
        }

        /** One HTTP request from {@code p}, if all of it is there: answers the bytes it took, else 0. */
        private int request(byte[] a, int p, int end) {
            int head = Sockets.indexOf(a, p, end, Sockets.HEADER_END);
            if (head < 0) {
                return 0;
            }
            String[] lines = new String(a, p, head - p, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] start = lines[0].split(" ");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
                }
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            int bodyAt = head + Sockets.HEADER_END.length;
            if (end - bodyAt < length) {
                return 0;
            }
            String method = start[0];
            String target = start.length > 1 ? start[1] : "/";
            int query = target.indexOf('?');
            String path = query < 0 ? target : target.substring(0, query);
            if (method.equals("GET") && path.equals("/ws") && "websocket".equalsIgnoreCase(headers.get("upgrade"))) {
                upgrade(headers, query < 0 ? "" : target.substring(query + 1));
            } else if (method.equals("GET") && path.equals("/api/metrics")) {
                answer(200, "{\"channels\":" + channels.size() + "}");
            } else if (method.equals("POST") && (path.equals("/api/events") || path.equals("/api/events/batch"))) {
                post(path.endsWith("/batch"), a, bodyAt, bodyAt + length);
            } else {
                answer(404, "{\"title\":\"Not Found\"}");
            }
            return bodyAt + length - p;
        }

        private void post(boolean batch, byte[] a, int from, int to) {
            List<int[]> objects = new ArrayList<>();
            int i = skipSpace(a, from, to);
            if (batch) {
                if (i >= to || a[i] != '[') {
                    answer(400, "{\"title\":\"Bad Request\",\"detail\":\"not an array\"}");
                    return;
                }
                for (i = skipSpace(a, i + 1, to); i < to && a[i] == '{'; i = skipSpace(a, i + 1, to)) {
                    int e = endOfValue(a, i, to);
                    objects.add(new int[]{i, e});
                    i = skipSpace(a, e, to);
                    if (i >= to || a[i] != ',') {
                        break;
                    }
                }
            } else if (i < to && a[i] == '{') {
                objects.add(new int[]{i, endOfValue(a, i, to)});
            }
            String channel = null;
            List<Event> events = new ArrayList<>(objects.size());
            for (int[] o : objects) {
                Map<String, String> fields = fields(a, o[0], o[1]);
                String name = fields.get("channel");
                if (name == null || name.length() < 3 || name.charAt(0) != '"' || channel != null && !channel.equals(name)) {
                    answer(400, "{\"title\":\"Bad Request\",\"detail\":\"an event needs a channel, the same in a batch\"}");
                    return;
                }
                channel = name;
                events.add(new Event(fields.getOrDefault("type", "\"event\""), fields.getOrDefault("payload", "{}")));
            }
            if (events.isEmpty()) {
                answer(400, "{\"title\":\"Bad Request\",\"detail\":\"no event\"}");
                return;
            }
            String name = channel.substring(1, channel.length() - 1);
            String body = channels.computeIfAbsent(name, Channel::new).publish(events);
            answer(201, batch ? "[" + body + "]" : body);
        }

        private void answer(int status, String json) {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            byte[] head = ("HTTP/1.1 " + status + (status == 201 ? " Created" : status == 200 ? " OK" : " Error")
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            send(ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip());
        }

        private void upgrade(Map<String, String> headers, String query) {
            String key = headers.get("sec-websocket-key");
            if (key == null) {
                answer(400, "{\"title\":\"Bad Request\",\"detail\":\"no Sec-WebSocket-Key\"}");
                return;
            }
            String accept = Base64.getEncoder().encodeToString(
                    loop.sha1.digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII)));
            String protocol = headers.getOrDefault("sec-websocket-protocol", "").contains("livehub.v1")
                    ? "Sec-WebSocket-Protocol: livehub.v1\r\n" : "";
            send(ByteBuffer.wrap(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n" + protocol + "\r\n").getBytes(StandardCharsets.US_ASCII)));
            webSocket = true;
            for (String parameter : query.split("&")) {
                if (parameter.startsWith("channels=")) {
                    for (String name : parameter.substring(9).split(",")) {
                        if (!name.isEmpty()) {
                            subscribe(name);
                        }
                    }
                }
            }
        }

        /** One client frame from {@code p}, if all of it is there: answers the bytes it took, else 0. */
        private int frame(byte[] a, int p, int end) {
            if (end - p < 2) {
                return 0;
            }
            int opcode = a[p] & 0x0f;
            int length = a[p + 1] & 0x7f;
            int h = 2;
            if (length == 126) {
                if (end - p < 4) {
                    return 0;
                }
                length = ((a[p + 2] & 0xff) << 8) | (a[p + 3] & 0xff);
                h = 4;
            } else if (length == 127) {
                if (end - p < 10) {
                    return 0;
                }
                length = (int) Math.min(MAX_REQUEST, ByteBuffer.wrap(a, p + 2, 8).getLong());
                h = 10;
            }
            boolean masked = (a[p + 1] & 0x80) != 0;
            int maskAt = p + h;
            int payloadAt = maskAt + (masked ? 4 : 0);
            if (end - payloadAt < length) {
                return 0;
            }
            byte[] payload = Arrays.copyOfRange(a, payloadAt, payloadAt + length);
            if (masked) {
                for (int i = 0; i < length; i++) {
                    payload[i] ^= a[maskAt + (i & 3)];
                }
            }
            switch (opcode) {
                case 1 -> message(payload);
                case 8 -> {
                    send(serverFrame(0x88, Arrays.copyOf(payload, Math.min(2, payload.length))));
                    closing = true;
                    if (out.isEmpty()) {
                        close();
                    }
                }
                case 9 -> send(serverFrame(0x8A, payload));
                default -> {
                    // pongs and continuation frames: the generator sends none that matter here
                }
            }
            return payloadAt + length - p;
        }

        private void message(byte[] text) {
            Map<String, String> fields = fields(text, skipSpace(text, 0, text.length), text.length);
            String type = fields.get("type");
            String name = fields.get("channel");
            if ("\"subscribe\"".equals(type) && name != null && name.length() > 2 && name.charAt(0) == '"') {
                subscribe(name.substring(1, name.length() - 1));
            } else if ("\"ping\"".equals(type)) {
                send(textFrame("{\"type\":\"pong\"}"));
            } else {
                send(textFrame("{\"type\":\"error\",\"error\":{\"code\":\"invalid\",\"message\":\"not understood\"}}"));
            }
        }

        private void subscribe(String name) {
            Channel channel = channels.computeIfAbsent(name, Channel::new);
            if (subscribed.contains(channel)) {
                return;
            }
            subscribed.add(channel);
            long seq = channel.subscribe(this);
            // this thread alone writes to this connection, and runs the deliveries after seq only later
            send(textFrame("{\"type\":\"subscribed\",\"channel\":\"" + name + "\",\"seq\":" + seq + "}"));
        }

        void close() {
            for (Channel c : subscribed) {
                c.unsubscribe(this);
            }
            subscribed.clear();
            out.clear();
            if (key != null) {
                key.cancel();
            }
            FloorHub.close(channel);
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** A server's text frame (unmasked), in a direct buffer that every write of it duplicates. */
    private static ByteBuffer textFrame(String json) {
        return serverFrame(0x81, json.getBytes(StandardCharsets.UTF_8));
    }

    private static ByteBuffer serverFrame(int b0, byte[] payload) {
        int n = payload.length;
        int h = n < 126 ? 2 : n < 65536 ? 4 : 10;
        ByteBuffer f = ByteBuffer.allocateDirect(h + n);
        f.put((byte) b0);
        if (n < 126) {
            f.put((byte) n);
        } else if (n < 65536) {
            f.put((byte) 126).putShort((short) n);
        } else {
            f.put((byte) 127).putLong(n);
        }
        return f.put(payload).flip();
    }

    /** The top-level fields of the JSON object at {@code from}: each name, and its value as it is written. */
    static Map<String, String> fields(byte[] a, int from, int to) {
        Map<String, String> fields = new HashMap<>();
        if (from >= to || a[from] != '{') {
            return fields;
        }
        int i = skipSpace(a, from + 1, to);
        while (i < to && a[i] == '"') {
            int nameEnd = endOfValue(a, i, to);
            String name = new String(a, i + 1, nameEnd - i - 2, StandardCharsets.UTF_8);
            i = skipSpace(a, nameEnd, to);
            if (i >= to || a[i] != ':') {
                break;
            }
            int valueAt = skipSpace(a, i + 1, to);
            int valueEnd = endOfValue(a, valueAt, to);
            fields.put(name, new String(a, valueAt, valueEnd - valueAt, StandardCharsets.UTF_8));
            i = skipSpace(a, valueEnd, to);
            if (i >= to || a[i] != ',') {
                break;
            }
            i = skipSpace(a, i + 1, to);
        }
        return fields;
    }

    /** Where the JSON value at {@code i} ends: after its closing quote or bracket, or at the next delimiter. */
    static int endOfValue(byte[] a, int i, int to) {
        int depth = 0;
        for (; i < to; i++) {
            byte b = a[i];
            if (b == '"') {
                i = Scan.endOfString(a, i + 1, to);
                if (depth == 0) {
                    return Math.min(i + 1, to);
                }
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                if (depth == 0) {
                    return i;
                }
                if (--depth == 0) {
                    return i + 1;
                }
            } else if (depth == 0 && (b == ',' || b == ' ' || b == '\n' || b == '\r' || b == '\t')) {
                return i;
            }
        }
        return to;
    }

    private static int skipSpace(byte[] a, int i, int to) {
        while (i < to && (a[i] == ' ' || a[i] == '\n' || a[i] == '\r' || a[i] == '\t')) {
            i++;
        }
        return i;
    }
}
