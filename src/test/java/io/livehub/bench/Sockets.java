package io.livehub.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Many WebSocket clients on a few selector threads. Plain NIO and a byte scanner instead of a
 * WebSocket library and a JSON parser, so that 200,000 messages a second cost the generator
 * little. Each connection keeps the seqs it received (duplicates, reorderings, gaps); each loop
 * keeps the latency of every {@code event_created} from the {@code sent_at_ns} in its payload,
 * stamped by this same JVM's {@link System#nanoTime()} when it was POSTed.
 *
 * <p>A subscribed connection the server closes or drops (a slow consumer's 4408, say) does what
 * PROTOCOL.md asks of a client: it reconnects after a backoff with jitter and subscribes again
 * with {@code since}, the last seq it has, so that it misses nothing; the closes and the resumes
 * are counted and reported. Only the generator's own shutting down ends a connection for good.
 */
final class Sockets implements AutoCloseable {

    private static final int MAX_HANDSHAKES_IN_FLIGHT = 256;
    /** Reconnection: the first after 100-200 ms, each next one twice as late, at most 3.2-6.4 s; 10 tries. */
    private static final long RESUME_BASE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int RESUME_MAX_DOUBLINGS = 5;
    private static final int RESUME_MAX_TRIES = 10;

    private final InetSocketAddress server;
    /** The handshake's {@code Authorization} header line, or empty. */
    private final String authorization;
    private final List<Loop> loops = new ArrayList<>();
    private final List<Conn> all = new ArrayList<>();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger subscribed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final Map<Integer, AtomicInteger> closeCodes = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicInteger resumed = new AtomicInteger();
    private final AtomicInteger unrecovered = new AtomicInteger();
    private final AtomicInteger gaveUp = new AtomicInteger();
    /** The socket receive buffer each connection asks for; 0 leaves it to the kernel. */
    private final int receiveBuffer;
    private volatile boolean shuttingDown;
    private volatile String lastFailure;

    /**
     * Connections to {@code port} on {@code threads} event loops, each handshake with {@code token}
     * (may be null) as {@code Authorization: Bearer}, and a receive buffer of {@code receiveBuffer}
     * bytes per connection (0: the kernel's; a test's stalled reader fills a small one soon).
     */
    Sockets(int port, String token, int threads, int receiveBuffer) throws IOException {
        this.receiveBuffer = receiveBuffer;
        this.authorization = Http.authorization(token);
        server = new InetSocketAddress("127.0.0.1", port);
        for (int i = 0; i < threads; i++) {
            Loop loop = new Loop(i);
            loops.add(loop);
            loop.thread.start();
        }
    }

    /** Opens {@code count} connections, {@code channel} (may be null) subscribed at the handshake; waits for all. */
    void connect(int count, String channel, long timeoutMillis) throws InterruptedException {
        String path = channel == null ? "/ws" : "/ws?channels=" + channel;
        int target = opened.get() + failed.get() + count;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (int i = 0; i < count; i++) {
            while (all.size() - (opened.get() + failed.get()) >= MAX_HANDSHAKES_IN_FLIGHT) {
                checkDeadline(deadline, "opening connections");
                Thread.sleep(1);
            }
            Conn c = new Conn(loops.get(all.size() % loops.size()), path, channel);
            all.add(c);
            c.loop.submit(c::start);
        }
        await(() -> opened.get() + failed.get() >= target, deadline, "WebSocket handshakes");
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " connections failed; the last: " + lastFailure);
        }
    }

    /**
     * Subscribes every open connection to {@code channel} with a {@code subscribe} message, at most
     * {@value #MAX_HANDSHAKES_IN_FLIGHT} unanswered at a time, as clients that connect over time would;
     * waits until all are answered.
     */
    void subscribeAll(String channel, long timeoutMillis) throws InterruptedException {
        byte[] frame = textFrame("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int before = subscribed.get();
        int sent = 0;
        for (Conn c : all) {
            while (sent - (subscribed.get() - before) >= MAX_HANDSHAKES_IN_FLIGHT && closedByServer.get() == 0) {
                checkDeadline(deadline, "subscriptions");
                Thread.sleep(1);
            }
            c.loop.submit(() -> {
                c.channelName = channel;
                c.write(ByteBuffer.wrap(frame));
            });
            sent++;
        }
        awaitSubscribed(before + sent, timeoutMillis);
    }

    void awaitSubscribed(int count, long timeoutMillis) throws InterruptedException {
        await(() -> subscribed.get() + closedByServer.get() >= count,
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), "subscriptions");
        if (subscribed.get() < count) {
            throw new IllegalStateException("only " + subscribed.get() + " of " + count + " subscribed; closed by server: "
                    + closedByServer.get() + " " + closeCodes + (lastFailure == null ? "" : "; last failure: " + lastFailure));
        }
    }

    /** Waits until {@code done} or until nothing was delivered for {@code quietMillis}; false then. */
    boolean awaitDeliveries(BooleanSupplier done, long quietMillis) throws InterruptedException {
        long last = deliveries.get();
        long quietSince = System.nanoTime();
        while (!done.getAsBoolean()) {
            Thread.sleep(5);
            long now = deliveries.get();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(quietMillis)) {
                return false;
            }
        }
        return true;
    }

    long deliveries() {
        return deliveries.get();
    }

    int connections() {
        return all.size();
    }

    int subscribed() {
        return subscribed.get();
    }

    /** Handshakes answered 503 (the server's handshake rate) and tried again later. */
    int handshakeRetries() {
        return retries.get();
    }

    int closedByServer() {
        return closedByServer.get();
    }

    /** Connections closed by the server that reconnected and were answered {@code recovered: true}. */
    int resumed() {
        return resumed.get();
    }

    /**
     * Connections closed by the server that could not resume: answered {@code recovered: false}
     * (what they missed was no longer kept), or not reconnected within {@value #RESUME_MAX_TRIES} tries.
     */
    int unrecovered() {
        return unrecovered.get() + gaveUp.get();
    }

    /** The last error a connection met, or null. */
    String lastFailure() {
        return lastFailure;
    }

    /** Stops or starts again reading connection {@code index}, as a client that hangs would (for tests). */
    void stallReading(int index, boolean stall) throws InterruptedException {
        Conn c = all.get(index);
        c.loop.call(() -> {
            c.stalled = stall;
            c.interest();
        });
    }

    Map<Integer, Integer> closeCodes() {
        Map<Integer, Integer> codes = new TreeMap<>();
        closeCodes.forEach((code, n) -> codes.put(code, n.get()));
        return codes;
    }

    /**
     * Whether every subscribed connection has got seq {@code published} (the last), except those that
     * gave up reconnecting: one answered {@code recovered: false} gets the live events after it too.
     */
    boolean caughtUp(long published) throws InterruptedException {
        boolean[] behind = {false};
        for (Loop loop : loops) {
            loop.call(() -> {
                for (Conn c : all) {
                    if (c.loop == loop && c.counting && !c.abandoned && c.maxSeq < published) {
                        behind[0] = true;
                        return;
                    }
                }
            });
            if (behind[0]) {
                return false;
            }
        }
        return true;
    }

    /** Counts, per connection, what it missed of seqs {@code 1..published}, duplicated and got out of order. */
    Accounting account(long published) throws InterruptedException {
        Accounting a = new Accounting();
        for (Loop loop : loops) {
            loop.call(() -> {
                for (Conn c : all) {
                    if (c.loop != loop || !c.counting) {
                        continue;
                    }
                    int got = c.seen == null ? 0 : c.seen.get(1, (int) published + 1).cardinality();
                    a.missing += published - got;
                    if (got < published && a.incomplete.size() < 3) {
                        int first = c.seen == null ? 1 : c.seen.nextClearBit(1);
                        a.incomplete.add("seen " + got + " of " + published + ", first missing " + first
                                + (c.seen == null || first > published ? "" : ", next seen " + c.seen.nextSetBit(first))
                                + ", highest " + c.maxSeq + ", subscribed again " + c.resumes + " times, "
                                + (c.resuming ? "resuming" : c.open ? "open" : "not open")
                                + (c.reconnectPending ? ", reconnecting" : "")
                                + (c.lastAt == 0 ? "" : ", last delivery " + (System.nanoTime() - c.lastAt) / 1_000_000 + " ms ago"));
                    }
                    a.duplicated += c.duplicated;
                    a.reordered += c.reordered;
                    a.unexpected += c.unexpected;
                }
                a.latencies.addAll(loop.latencies);
                a.keepFirst(loop.first);
                a.lastDelivery = Math.max(a.lastDelivery, loop.lastDelivery);
            });
        }
        return a;
    }

    static final class Accounting {
        long missing;
        long duplicated;
        long reordered;
        long unexpected;
        long lastDelivery;
        final IntList latencies = new IntList();
        /** Per seq, the least latency of any connection (microseconds; {@code Integer.MAX_VALUE}: none). */
        private int[] first = new int[0];
        /** What the first few connections that missed deliveries saw, to tell a gap from a stall. */
        final List<String> incomplete = new ArrayList<>();

        /** Takes in a loop's least latencies per seq. */
        void keepFirst(int[] loopFirst) {
            if (loopFirst.length > first.length) {
                int old = first.length;
                first = Arrays.copyOf(first, loopFirst.length);
                Arrays.fill(first, old, first.length, Integer.MAX_VALUE);
            }
            for (int seq = 0; seq < loopFirst.length; seq++) {
                first[seq] = Math.min(first[seq], loopFirst[seq]);
            }
        }

        /** For each event, POST sent -> its first delivery to any subscriber (microseconds). */
        IntList firstDeliveries() {
            IntList firsts = new IntList();
            for (int micros : first) {
                if (micros != Integer.MAX_VALUE) {
                    firsts.add(micros);
                }
            }
            return firsts;
        }
    }

    /** Sends a close frame to every connection, waits a little for the server's, then drops what is left. */
    @Override
    public void close() throws InterruptedException {
        shuttingDown = true;
        byte[] frame = closeFrame(1000);
        for (Conn c : all) {
            c.loop.submit(() -> {
                c.closing = true;
                c.write(ByteBuffer.wrap(frame));
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && all.stream().anyMatch(c -> c.channel != null && c.channel.isOpen())) {
            Thread.sleep(20);
        }
        for (Loop loop : loops) {
            loop.call(() -> {
                for (Conn c : all) {
                    if (c.loop == loop) {
                        c.abort();
                    }
                }
            });
            loop.running = false;
            loop.selector.wakeup();
            loop.thread.join(2000);
            try {
                loop.selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void await(BooleanSupplier done, long deadline, String what) throws InterruptedException {
        while (!done.getAsBoolean()) {
            checkDeadline(deadline, what);
            Thread.sleep(2);
        }
    }

    private void checkDeadline(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timed out waiting for " + what + ": opened " + opened + ", failed " + failed
                    + ", subscribed " + subscribed + ", closed by server " + closedByServer + " " + closeCodes
                    + (lastFailure == null ? "" : ", last failure: " + lastFailure));
        }
    }

    /** One selector thread and the connections it owns; everything of a connection runs on it. */
    private final class Loop implements Runnable {
        final Selector selector;
        final Thread thread;
        final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final ByteBuffer in = ByteBuffer.allocate(512 * 1024);
        final IntList latencies = new IntList();
        /** Per seq, the least latency of this loop's connections (microseconds; {@code Integer.MAX_VALUE}: none). */
        int[] first = new int[0];
        /** Tasks due later, by due time (nanoTime); this thread only. */
        final java.util.PriorityQueue<Object[]> later = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingLong(t -> (Long) t[0]));
        long lastDelivery;
        volatile boolean running = true;

        Loop(int n) throws IOException {
            selector = Selector.open();
            thread = new Thread(this, "bench-sockets-" + n);
            thread.setDaemon(true);
        }

        /** Keeps {@code micros} as the least latency of {@code seq} if it is less. */
        void first(int seq, int micros) {
            if (seq >= first.length) {
                int old = first.length;
                first = Arrays.copyOf(first, Math.max(seq + 1, old * 2));
                Arrays.fill(first, old, first.length, Integer.MAX_VALUE);
            }
            first[seq] = Math.min(first[seq], micros);
        }

        void submit(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        void call(Runnable task) throws InterruptedException {
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            submit(() -> {
                try {
                    task.run();
                } finally {
                    done.countDown();
                }
            });
            if (!done.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("selector thread did not answer");
            }
        }

        @Override
        public void run() {
            while (running) {
                try {
                    selector.select(20);
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        task.run();
                    }
                    long now = System.nanoTime();
                    while (!later.isEmpty() && (Long) later.peek()[0] <= now) {
                        ((Runnable) later.poll()[1]).run();
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        Conn c = (Conn) key.attachment();
                        try {
                            if (!key.isValid()) {
                                continue;
                            }
                            if (key.isConnectable()) {
                                c.connected();
                            } else {
                                if (key.isWritable()) {
                                    c.flush();
                                }
                                if (key.isValid() && key.isReadable()) {
                                    c.read();
                                }
                            }
                        } catch (IOException | RuntimeException e) {
                            c.failed(e);
                        }
                    }
                    selector.selectedKeys().clear();
                } catch (IOException e) {
                    lastFailure = e.toString();
                }
            }
        }
    }

    private final class Conn {
        final Loop loop;
        String path;
        /** The channel it is subscribed to, to resubscribe to after a reconnection; null when none. */
        String channelName;
        String key = handshakeKey();
        SocketChannel channel;
        SelectionKey selectionKey;
        boolean open;
        boolean closing;
        /** The server closed or dropped it: it reconnects. */
        boolean byServer;
        /** Reconnected, and not yet answered {@code subscribed}. */
        boolean resuming;
        boolean reconnectPending;
        int tries;
        boolean stalled;
        boolean counting;
        byte[] rest = new byte[0];
        int restLength;
        ByteBuffer pending;
        BitSet seen;
        long maxSeq;
        long duplicated;
        long reordered;
        long unexpected;
        int resumes;
        long lastAt;
        boolean abandoned;

        Conn(Loop loop, String path, String channelName) {
            this.loop = loop;
            this.path = path;
            this.channelName = channelName;
        }

        void start() {
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (receiveBuffer > 0) {
                    channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
                }
                selectionKey = channel.register(loop.selector, SelectionKey.OP_CONNECT, this);
                if (channel.connect(server)) {
                    connected();
                }
            } catch (IOException e) {
                failed(e);
            }
        }

        void connected() throws IOException {
            channel.finishConnect();
            interest();
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                    + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: livehub.v1\r\n" + authorization + "\r\n";
            write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        }

        void write(ByteBuffer data) {
            if (channel == null || !channel.isOpen()) {
                return;
            }
            try {
                if (pending != null) {
                    ByteBuffer both = ByteBuffer.allocate(pending.remaining() + data.remaining());
                    both.put(pending).put(data).flip();
                    pending = both;
                    return;
                }
                channel.write(data);
                if (data.hasRemaining()) {
                    pending = ByteBuffer.allocate(data.remaining()).put(data).flip();
                    interest();
                }
            } catch (IOException e) {
                failed(e);
            }
        }

        void flush() throws IOException {
            channel.write(pending);
            if (!pending.hasRemaining()) {
                pending = null;
                interest();
            }
        }

        /** Reads unless stalled; writes while something waits to be written. */
        void interest() {
            if (selectionKey != null && selectionKey.isValid() && channel.isConnected()) {
                selectionKey.interestOps((stalled ? 0 : SelectionKey.OP_READ) | (pending != null ? SelectionKey.OP_WRITE : 0));
            }
        }

        void read() throws IOException {
            ByteBuffer in = loop.in;
            in.clear();
            in.put(rest, 0, restLength);
            int n = channel.read(in);
            if (n < 0) {
                ended();
                return;
            }
            long now = System.nanoTime();
            byte[] a = in.array();
            int end = in.position();
            int p = 0;
            if (!open) {
                int header = indexOf(a, 0, end, HEADER_END);
                if (header < 0) {
                    keep(a, 0, end);
                    return;
                }
                String response = new String(a, 0, header, StandardCharsets.US_ASCII);
                if (response.startsWith("HTTP/1.1 503")) {
                    retryLater(response);
                    return;
                }
                if (!response.startsWith("HTTP/1.1 101")) {
                    throw new IOException("handshake refused: " + response.lines().findFirst().orElse(""));
                }
                open = true;
                p = header + HEADER_END.length;
                if (resuming) {
                    write(ByteBuffer.wrap(textFrame("{\"type\":\"subscribe\",\"channel\":\"" + channelName
                            + "\",\"since\":" + maxSeq + "}")));
                } else {
                    opened.incrementAndGet();
                }
            }
            while (end - p >= 2) {
                int b0 = a[p] & 0xff;
                int b1 = a[p + 1] & 0xff;
                long length = b1 & 0x7f;
                int h = 2;
                if (length == 126) {
                    if (end - p < 4) {
                        break;
                    }
                    length = ((a[p + 2] & 0xff) << 8) | (a[p + 3] & 0xff);
                    h = 4;
                } else if (length == 127) {
                    if (end - p < 10) {
                        break;
                    }
                    length = ByteBuffer.wrap(a, p + 2, 8).getLong();
                    h = 10;
                }
                if (end - p - h < length) {
                    if (h + length > in.capacity()) {
                        throw new IOException("a frame of " + length + " bytes");
                    }
                    break;
                }
                frame(b0, a, p + h, (int) length, now);
                p += h + (int) length;
            }
            keep(a, p, end);
        }

        private void keep(byte[] a, int from, int to) {
            restLength = to - from;
            if (rest.length < restLength) {
                rest = new byte[Math.max(restLength, 2 * rest.length)];
            }
            System.arraycopy(a, from, rest, 0, restLength);
        }

        private void frame(int b0, byte[] a, int from, int length, long now) {
            int opcode = b0 & 0x0f;
            switch (opcode) {
                case 1 -> text(a, from, from + length, now);
                case 9 -> write(ByteBuffer.wrap(masked(0x8A, a, from, length)));
                case 8 -> {
                    int code = length >= 2 ? ((a[from] & 0xff) << 8) | (a[from + 1] & 0xff) : 1005;
                    if (!closing) {
                        closedByServer(code);
                        write(ByteBuffer.wrap(closeFrame(code)));
                    }
                    closing = true;
                }
                case 10 -> {
                    // an answer to a ping we never send
                }
                default -> unexpected++;
            }
        }

        private void text(byte[] a, int from, int to, long now) {
            Scan s = SCAN.get();
            s.read(a, from, to);
            if (s.type == Scan.EVENT_CREATED) {
                counting = true;
                long seq = s.seq;
                if (seen == null) {
                    seen = new BitSet();
                }
                if (seq <= 0 || seq > Integer.MAX_VALUE) {
                    unexpected++;
                } else if (seen.get((int) seq)) {
                    duplicated++;
                } else {
                    seen.set((int) seq);
                    if (seq < maxSeq) {
                        reordered++;
                    }
                    maxSeq = Math.max(maxSeq, seq);
                }
                if (s.sentAt != 0) {
                    int micros = (int) Math.min(Integer.MAX_VALUE - 1, (now - s.sentAt) / 1000);
                    loop.latencies.add(micros);
                    if (seq > 0 && seq < Integer.MAX_VALUE) {
                        loop.first((int) seq, micros);
                    }
                }
                loop.lastDelivery = now;
                lastAt = now;
                deliveries.incrementAndGet();
            } else if (s.type == Scan.SUBSCRIBED) {
                counting = true;
                if (resuming) {
                    resuming = false;
                    tries = 0;
                    resumes++;
                    (s.recovered == 1 ? resumed : unrecovered).incrementAndGet();
                } else {
                    subscribed.incrementAndGet();
                }
            }
        }

        /** A handshake refused for the connection rate: again after its Retry-After, with jitter, as a client should. */
        private void retryLater(String response) {
            retries.incrementAndGet();
            abort();
            restLength = 0;
            pending = null;
            long seconds = response.lines().filter(l -> l.toLowerCase().startsWith("retry-after:"))
                    .map(l -> l.substring(12).trim()).filter(v -> v.matches("\\d+")).mapToLong(Long::parseLong)
                    .findFirst().orElse(1);
            long delay = TimeUnit.SECONDS.toNanos(seconds) + ThreadLocalRandom.current().nextLong(TimeUnit.SECONDS.toNanos(1));
            loop.later.add(new Object[]{System.nanoTime() + delay, (Runnable) this::start});
        }

        void ended() throws IOException {
            if (!open && resuming) {
                abort();
                reconnectLater();
                return;
            }
            if (!closing) {
                closedByServer(1006);
            }
            closing = true;
            channel.close();
            if (byServer) {
                reconnectLater();
            }
        }

        void failed(Exception e) {
            lastFailure = e.toString();
            if (!open) {
                if (resuming) {
                    abort();
                    reconnectLater();
                    return;
                }
                failed.incrementAndGet();
            } else if (!closing) {
                closedByServer(1006);
            }
            closing = true;
            abort();
            if (byServer) {
                reconnectLater();
            }
        }

        /** The server closed it with {@code code} (1006: dropped it): counted, and it will reconnect. */
        private void closedByServer(int code) {
            closedByServer.incrementAndGet();
            closeCodes.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
            byServer = true;
        }

        /** After a backoff with jitter, unless the generator is shutting down or it never subscribed. */
        private void reconnectLater() {
            if (shuttingDown || reconnectPending || channelName == null || !counting) {
                return;
            }
            if (++tries > RESUME_MAX_TRIES) {
                gaveUp.incrementAndGet();
                abandoned = true;
                return;
            }
            reconnectPending = true;
            long backoff = RESUME_BASE_NANOS << Math.min(tries - 1, RESUME_MAX_DOUBLINGS);
            long delay = backoff + ThreadLocalRandom.current().nextLong(backoff);
            loop.later.add(new Object[]{System.nanoTime() + delay, (Runnable) this::reconnect});
        }

        /** A new connection to {@code /ws} that subscribes with {@code since} once open. */
        private void reconnect() {
            reconnectPending = false;
            if (shuttingDown) {
                return;
            }
            open = false;
            closing = false;
            byServer = false;
            stalled = false;
            resuming = true;
            restLength = 0;
            pending = null;
            path = "/ws";
            key = handshakeKey();
            start();
        }

        /** Closes with a reset: no TIME_WAIT left behind on this side of loopback. */
        void abort() {
            if (channel == null || !channel.isOpen()) {
                return;
            }
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                channel.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
    }

    /** The end of an HTTP message's head. */
    static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<Scan> SCAN = ThreadLocal.withInitial(Scan::new);

    /** Where {@code what} first is in {@code a[from, end)}, or -1. */
    static int indexOf(byte[] a, int from, int end, byte[] what) {
        outer:
        for (int i = from; i <= end - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (a[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A fresh {@code Sec-WebSocket-Key}: 16 random bytes in base64. */
    private static String handshakeKey() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** A client frame: masked, with the all-zero mask, which leaves the payload as it is. */
    private static byte[] masked(int b0, byte[] payload, int from, int length) {
        int h = length < 126 ? 2 : 4;
        byte[] f = new byte[h + 4 + length];
        f[0] = (byte) b0;
        if (length < 126) {
            f[1] = (byte) (0x80 | length);
        } else {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (length >> 8);
            f[3] = (byte) length;
        }
        System.arraycopy(payload, from, f, h + 4, length);
        return f;
    }

    static byte[] textFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        return masked(0x81, payload, 0, payload.length);
    }

    private static byte[] closeFrame(int code) {
        return masked(0x88, new byte[]{(byte) (code >> 8), (byte) code}, 0, 2);
    }
}
