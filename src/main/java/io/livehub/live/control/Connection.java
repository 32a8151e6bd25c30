package io.livehub.live.control;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One WebSocket connection's outbound side: a queue of frames, bounded in count and in
 * characters (about bytes: frames are mostly ASCII JSON), with at most one
 * asynchronous send in flight, the next started when the previous completes. Any thread may
 * {@link #send}; frames leave in the order they were queued. A client that stops reading fills
 * its own queue and is reported as a slow consumer; it never holds up another connection.
 * <p>
 * Flow control: no more than a window of characters is handed to the container ahead of what
 * the client has proven read by answering a ping (one rides along every
 * {@value #PING_EVERY_CHARS} characters). The rest waits in the queue, where the hub's
 * backpressure sees it. Without the window, the kernel's socket buffers (several MB a connection
 * on loopback) hid a client that read more slowly than it was written to, until the buffers of
 * a few connections were full and their queues overflowed while most queues were empty.
 * <p>
 * On Tyrus ({@link TyrusFrames}) one send writes every frame queued by then, pre-built and
 * shared by all receivers, in one buffer, with the acknowledgement ping appended when one is
 * due; elsewhere each frame is one {@code RemoteEndpoint.Async.sendText}.
 */
public final class Connection {

    /** The connection whose queue this thread is draining, so a synchronous completion does not recurse. */
    private static final ThreadLocal<Connection> PUMPING = new ThreadLocal<>();
    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
    private static final SendResult OK = new SendResult();
    /** A write stops taking queued frames at about this size; the rest go in the next. */
    static final int MAX_WRITE_BYTES = 256 * 1024;
    /** A ping every this many characters sent lets the client's pongs show how far it has read. */
    static final long PING_EVERY_CHARS = 64 * 1024;
    /** Keys of {@code Session.getUserProperties()} filled in at the handshake. */
    public static final String USER = "livehub.user";
    public static final String REMOTE_ADDRESS = "livehub.remote-address";

    private final String id;
    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final int maxQueued;
    private final long maxQueuedChars;
    private final long window;
    private final Traffic traffic;
    private final BiConsumer<Connection, Throwable> onFailure;
    /** Goes on sending after a send the container finished on another thread than this connection's sender. */
    private final Consumer<Connection> resume;
    private final long connectedAt = System.currentTimeMillis();
    private final String user;
    private final String remoteAddress;
    /** Non-null when frames go to the container pre-built (Tyrus). */
    private final TyrusFrames frames;
    private final ConcurrentLinkedQueue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedChars = new AtomicLong();
    /** The characters and the number of the frames of the one send in flight, written before it starts. */
    private volatile long inFlight;
    private volatile int inFlightFrames;
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    /** A close frame is queued: nothing more is taken, nothing queued after it is written, no more pings. */
    private volatile boolean closing;
    /** The close frame has been handed to the container (this connection's sender only). */
    private volatile boolean closeWritten;
    private final LongAdder sent = new LongAdder();
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    /** Hub's dispatcher thread only: this connection has frames offered and not yet flushed. */
    boolean dirty;
    /** Hub's dispatcher thread only: how many times it was fed (see {@code Hub.feed}), to start each time one further on. */
    int feeds;
    /** Written by Hub's dispatcher thread only: see {@link #catchingUp()}. */
    volatile int catchingUp;
    /** Its subscriptions waiting for room: their frames wait in the hub while it lags, or their replay is paused. */
    final AtomicInteger waitingForRoom = new AtomicInteger();
    /** Told, once until it clears this, that the queue has room again while {@link #waitingForRoom} is not 0. */
    final AtomicBoolean roomSignalled = new AtomicBoolean();
    private final Consumer<Connection> onRoom;
    /** Characters handed to the container, and the part the client has proven read (by answering a ping). */
    private final AtomicLong sentChars = new AtomicLong();
    private volatile long ackedChars;
    private final AtomicLong pingedChars = new AtomicLong();
    private volatile long pingSentAt;
    private volatile long pongAt = System.currentTimeMillis();
    /** Why the queue overflowed, said once as it did; null until then. */
    private volatile String overflow;
    /** When the send in flight, or the last one, was handed to the container. */
    private volatile long issuedAt;
    /** When the client last answered a ping (0: never). */
    private volatile long lastPongAt;
    /** When the container last reported a send of this connection complete (0: never). */
    private volatile long lastWrittenAt;
    /** When a flush last found frames queued and the send window full (0: never). */
    private volatile long windowFullAt;

    /**
     * A connection's bounds: the messages and the characters it may have queued or unread before
     * it is a slow consumer, and its send window in characters (at least twice
     * {@value #PING_EVERY_CHARS}, so that a ping is always out when it is full).
     */
    record Limits(int messages, long chars, long window) {

        Limits {
            window = Math.max(window, 2 * PING_EVERY_CHARS);
        }
    }

    /**
     * @param onFailure told once, when the queue overflows (with a null cause) or a send fails
     * @param resume    called, on the thread that finished a send or read a pong, to send what is
     *                  queued next ({@link #flush} on a thread of the caller's choosing)
     * @param onRoom    called, on such a thread, when half the queue's bound is free again while
     *                  something waits for it ({@link #waitingForRoom}), once until {@link #roomSignalled} is cleared
     */
    Connection(Session session, Limits limits, Traffic traffic,
               BiConsumer<Connection, Throwable> onFailure, Consumer<Connection> resume, Consumer<Connection> onRoom) {
        this.id = session.getId();
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.frames = TyrusFrames.of(session, this::written, this::fail);
        this.maxQueued = limits.messages();
        this.maxQueuedChars = limits.chars();
        this.window = limits.window();
        this.user = (String) session.getUserProperties().get(USER);
        this.remoteAddress = (String) session.getUserProperties().get(REMOTE_ADDRESS);
        this.traffic = traffic;
        this.onFailure = onFailure;
        this.resume = resume;
        this.onRoom = onRoom;
    }

    /** Queues a frame; false when the connection is failing or its queue is full (it is then closed as slow). */
    public boolean send(String frame) {
        return send(new Frame(frame));
    }

    /** Queues a frame serialized once for many connections, and starts sending it. */
    public boolean send(Frame frame) {
        if (!offer(frame)) {
            return false;
        }
        pump();
        return true;
    }

    /**
     * Queues a frame without starting to send it: the caller {@link #flush}es once it has queued
     * everything it has for this connection, so that several frames can leave in one write.
     */
    boolean offer(Frame frame) {
        if (failed.get() || closing) {
            traffic.dropped.increment();
            return false;
        }
        int length = frame.length();
        boolean full = queued.incrementAndGet() > maxQueued;
        // what the client has not read yet: queued here, or handed to the container but not acknowledged
        queuedChars.addAndGet(length);
        full |= unreadChars() > maxQueuedChars;
        if (full) {
            queued.decrementAndGet();
            queuedChars.addAndGet(-length);
            overflow = unread();
            fail(null);
            return false;
        }
        queue.add(frame);
        traffic.backlog.increment();
        return true;
    }

    /** Starts sending what {@link #offer} queued. */
    void flush() {
        pump();
    }

    private void pump() {
        Connection outer = PUMPING.get();
        if (outer == this) {
            return; // a send completed synchronously inside this connection's own loop, which goes on
        }
        Thread thread = Thread.currentThread();
        ClassLoader loader = thread.getContextClassLoader();
        // Payara's managed scheduler scans the context class loader on every Tyrus send; the
        // platform loader makes that scan cheap (see STACK.md, "Fan-out cost").
        thread.setContextClassLoader(PLATFORM);
        PUMPING.set(this);
        try {
            while (!queue.isEmpty() && !closeWritten && (closing || windowOpen()) && sending.compareAndSet(false, true)) {
                if (!(frames == null ? sendOne() : sendAll())) {
                    return;
                }
            }
            if (!closing && !queue.isEmpty() && !windowOpen()) {
                windowFullAt = System.currentTimeMillis();
            }
        } finally {
            PUMPING.set(outer);
            thread.setContextClassLoader(loader);
        }
    }

    /**
     * Room in the send window: less than a window handed to the container and not yet proven read.
     * A close frame and what is queued before it go regardless.
     */
    private boolean windowOpen() {
        return sentChars.get() - ackedChars < window;
    }

    /** The portable path: the next frame, as one text message. */
    private boolean sendOne() {
        Frame frame = queue.poll();
        if (frame == null) {
            sending.set(false);
            return true;
        }
        traffic.backlog.decrement();
        inFlight = frame.length();
        inFlightFrames = 1;
        issuedAt = System.currentTimeMillis();
        try {
            remote.sendText(frame.text(), this::completed);
            return true;
        } catch (RuntimeException closed) {
            sending.set(false);
            fail(closed);
            return false;
        }
    }

    /**
     * Tyrus: every queued frame (up to a write's worth) in one buffer, and the acknowledgement ping
     * when due; a close frame ends the batch, and the connection's writing.
     */
    private boolean sendAll() {
        if (closeWritten) {
            sending.set(false);
            return true;
        }
        Frame first = queue.poll();
        if (first == null) {
            sending.set(false);
            return true;
        }
        long chars = first.length();
        int count = 1;
        ByteBuffer buffer;
        byte[] alone = null; // a frame written by itself: its shared bytes as they are, not copied
        Frame second = first.isClose() || queue.peek() == null ? null : queue.poll();
        if (second == null) {
            byte[] ping = first.isClose() ? null : pingDue(chars);
            buffer = ping == null ? null : join(List.of(first), ping);
            alone = ping == null ? first.wire() : null;
            closeWritten = first.isClose();
        } else {
            List<Frame> batch = new ArrayList<>();
            batch.add(first);
            batch.add(second);
            chars += second.length();
            count = 2;
            int bytes = first.wire().length + second.wire().length;
            boolean close = second.isClose();
            Frame next;
            while (!close && bytes < MAX_WRITE_BYTES && (next = queue.poll()) != null) {
                batch.add(next);
                chars += next.length();
                bytes += next.wire().length;
                count++;
                close = next.isClose();
            }
            buffer = join(batch, close ? null : pingDue(chars));
            closeWritten = close;
        }
        traffic.backlog.add(-count);
        inFlight = chars;
        inFlightFrames = count;
        issuedAt = System.currentTimeMillis();
        try {
            if (alone != null) {
                frames.send(alone);
            } else {
                frames.send(buffer);
            }
            return true;
        } catch (RuntimeException closed) {
            sending.set(false);
            fail(closed);
            return false;
        }
    }

    /** The frames and the ping in one buffer from {@link WriteBuffers#SHARED}, which the write gives back. */
    private static ByteBuffer join(List<Frame> batch, byte[] ping) {
        int size = ping == null ? 0 : ping.length;
        for (int i = 0; i < batch.size(); i++) {
            size += batch.get(i).wire().length;
        }
        ByteBuffer buffer = WriteBuffers.SHARED.take(size);
        for (int i = 0; i < batch.size(); i++) {
            buffer.put(batch.get(i).wire());
        }
        if (ping != null) {
            buffer.put(ping);
        }
        return buffer.flip();
    }

    /** A ping frame carrying the position after {@code chars} more, when one is due; it rides in the same write. */
    private byte[] pingDue(long chars) {
        long position = sentChars.get() + chars;
        long before = pingedChars.get();
        if (position - before < PING_EVERY_CHARS || !pingedChars.compareAndSet(before, position)) {
            return null;
        }
        if (pingSentAt == 0) {
            pingSentAt = System.currentTimeMillis();
        }
        byte[] data = new byte[Long.BYTES];
        ByteBuffer.wrap(data).putLong(position);
        return Frame.frame(0x89, data);
    }

    private void written(Throwable failure) {
        completed(failure == null ? OK : new SendResult(failure));
    }

    private void completed(SendResult result) {
        queuedChars.addAndGet(-inFlight);
        queued.addAndGet(-inFlightFrames);
        sending.set(false);
        if (!result.isOK()) {
            fail(result.getException());
            return;
        }
        lastWrittenAt = System.currentTimeMillis();
        sent.add(inFlightFrames);
        traffic.sent.add(inFlightFrames);
        long position = sentChars.addAndGet(inFlight);
        if (position - pingedChars.get() >= PING_EVERY_CHARS && !closing) {
            ping(position, false);
        }
        signalRoom();
        if (PUMPING.get() != this && !queue.isEmpty()) {
            resume.accept(this); // finished on the container's thread, not inside this connection's own loop
        }
    }

    private void fail(Throwable cause) {
        if (failed.compareAndSet(false, true)) {
            int lost = queued.getAndSet(0) + 1;
            queuedChars.set(0);
            dropQueued();
            traffic.dropped.add(lost);
            onFailure.accept(this, cause);
        }
    }

    /**
     * The connection is gone: what is still queued will never be written, and stops counting as
     * the writers' backlog, which the publishers' backpressure reads. (A client that closed with
     * messages queued, held back by its send window, say, left them counted for good, and enough
     * of them would have held every publisher back.) Counted as dropped. Nothing is queued after.
     */
    void discard() {
        if (failed.compareAndSet(false, true)) {
            int unsent = dropQueued();
            queued.addAndGet(-unsent);
            traffic.dropped.add(unsent);
        }
    }

    /**
     * Empties the queue of a connection that has failed or gone (nothing more is taken), takes
     * what it held off the writers' backlog and wakes a replay waiting for room; how many it held.
     */
    private int dropQueued() {
        int unsent = 0;
        while (queue.poll() != null) {
            unsent++;
        }
        traffic.backlog.add(-unsent);
        return unsent;
    }

    /**
     * Sends a ping carrying the current position. The container reports a send complete once it
     * has buffered it, however much it buffers; the client's pong proves what it has really read.
     */
    private void ping(long position, boolean evenIfNothingWasSent) {
        long before = pingedChars.get();
        if ((position <= before && !evenIfNothingWasSent) || !pingedChars.compareAndSet(before, Math.max(before, position))) {
            return;
        }
        if (pingSentAt == 0) {
            pingSentAt = System.currentTimeMillis();
        }
        try {
            remote.sendPing(ByteBuffer.allocate(Long.BYTES).putLong(0, position));
        } catch (IOException | RuntimeException closed) {
            fail(closed);
        }
    }

    /**
     * A pong: the client has read everything up to the position its ping carried. Believed up to
     * the furthest position pinged, not only up to what the container has reported taken: a ping
     * rides at the end of a write, and the client can read it and answer before that write is
     * reported, so capping at the taken position lost the answer, and with a full window nothing
     * more was written, pinged or answered until the keep-alive ping.
     */
    public void ponged(ByteBuffer data) {
        pongAt = System.currentTimeMillis();
        lastPongAt = pongAt;
        pingSentAt = 0;
        if (data.remaining() == Long.BYTES) {
            ackedChars = Math.min(Math.max(ackedChars, data.getLong(data.position())), pingedChars.get());
            signalRoom(); // what it has read no longer counts against the queue's bound
            if (!queue.isEmpty() && !sending.get() && windowOpen()) {
                resume.accept(this); // the window was what held the queue back
            }
        }
    }

    /**
     * Pings when nothing was pinged for {@code interval} ms; false when a ping has waited more
     * than {@code timeout} ms for its pong (the peer is dead or stalled).
     */
    boolean keepAlive(long now, long interval, long timeout) {
        long pinged = pingSentAt;
        if (pinged != 0 && now - pinged > timeout) {
            return false;
        }
        if (pinged == 0 && now - pongAt >= interval && !closing) {
            ping(sentChars.get(), true);
        }
        return true;
    }

    /**
     * Lagging: a frame of {@code length} more would use over three quarters of its queue's bound,
     * in messages or in characters unread. The hub then keeps its subscriptions' frames back and
     * feeds them as it reads (see {@code Hub.catchUp}) rather than letting the queue overflow.
     */
    boolean lagging(int length) {
        return queued.get() + 1 > maxQueued - maxQueued / 4 || unreadChars() + length > maxQueuedChars - maxQueuedChars / 4;
    }

    /** Half its queue's bound is free, in messages and in characters unread. */
    boolean roomy() {
        return queued.get() < Math.max(1, maxQueued / 2) && unreadChars() < maxQueuedChars / 2;
    }

    /** Tells the hub when there is room while something waits for it there; also called by the hub as it begins to wait, lest the room came just before. */
    void signalRoom() {
        if (waitingForRoom.get() > 0 && roomy() && !failed.get() && roomSignalled.compareAndSet(false, true)) {
            onRoom.accept(this);
        }
    }

    private long unreadChars() {
        return queuedChars.get() + sentChars.get() - ackedChars;
    }

    /**
     * Queues a close frame after what is queued, where frames go to the container pre-built
     * (Tyrus), and takes nothing more: the client's answer to it closes the connection, on the
     * thread that reads it (see {@code Hub.refuse} for why the server does not close it itself).
     * Also after the connection failed (a slow consumer: it goes once the write in flight is
     * finished, if ever). False on the portable path, where the caller closes the session.
     */
    boolean closeAfterQueued(int code, String reason) {
        if (frames == null) {
            return false;
        }
        if (closing) {
            return true;
        }
        if (TyrusFrames.closing(session) == null) {
            return false; // not open any more, or a Tyrus without the internals: closed the usual way
        }
        closing = true;
        queue.add(Frame.close(code, reason));
        queued.incrementAndGet();
        traffic.backlog.increment();
        pump();
        return true;
    }

    public boolean isOpen() {
        return !failed.get() && !closing && session.isOpen();
    }

    /** A close frame is queued or out (see {@link #closeAfterQueued}). */
    boolean isClosing() {
        return closing;
    }

    public String id() {
        return id;
    }

    public Session session() {
        return session;
    }

    public Set<String> channels() {
        return channels;
    }

    public int queued() {
        return queued.get();
    }

    public long sent() {
        return sent.sum();
    }

    public long connectedAt() {
        return connectedAt;
    }

    /** The authenticated user's name, or null when authentication is off. */
    public String user() {
        return user;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    /** Why the queue overflowed ({@link #unread} at that moment, or what {@link #overflowed} said), or null when it did not. */
    String overflow() {
        return overflow;
    }

    /**
     * Fails the connection as a slow consumer for a reason found outside its queue (a replay
     * that fell behind, say), once: later calls, and calls after it failed otherwise, do nothing.
     */
    void overflowed(String why) {
        if (!failed.get()) {
            overflow = why;
            fail(null);
        }
    }

    /** How many of its subscriptions are fed from the change log, not live (a resume, or catching up). */
    public int catchingUp() {
        return catchingUp;
    }

    /**
     * What this connection has unread against its limits, and how its writes progress: for the
     * line that says why it is closed as slow. Read as the queue overflows, before it is emptied.
     * A write in flight for long, or a send window full until lately, means a client that did not
     * read; neither, with no write finished for long, would mean a writer that did not get to it.
     */
    String unread() {
        long written = lastWrittenAt;
        long answered = lastPongAt;
        return queued.get() + " messages queued (limit " + maxQueued + "), " + unreadChars()
                + " characters unread (limit " + maxQueuedChars + "), "
                + (written == 0 ? "no write finished yet" : "last write finished " + (System.currentTimeMillis() - written) + " ms ago")
                + (answered == 0 ? ", no pong yet" : ", last pong " + (System.currentTimeMillis() - answered) + " ms ago")
                + (sending.get() ? ", a write of " + inFlightFrames + " messages in flight for " + (System.currentTimeMillis() - issuedAt) + " ms"
                        : !windowOpen() ? ", its send window full"
                        : windowFullAt == 0 ? ", its send window never full"
                        : ", its send window last full " + (System.currentTimeMillis() - windowFullAt) + " ms ago");
    }
}
