package io.livehub.live.control;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * One WebSocket connection's outbound side: a bounded queue of frames with at most one
 * asynchronous send in flight, the next started when the previous completes. Any thread may
 * {@link #send}; frames leave in the order they were queued. A client that stops reading fills
 * its own queue and is reported as a slow consumer; it never holds up another connection.
 */
public final class Connection {

    /** The connection whose queue this thread is draining, so a synchronous completion does not recurse. */
    private static final ThreadLocal<Connection> PUMPING = new ThreadLocal<>();
    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    private final String id;
    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final int maxQueued;
    private final Traffic traffic;
    private final BiConsumer<Connection, Throwable> onFailure;
    private final long connectedAt = System.currentTimeMillis();
    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final LongAdder sent = new LongAdder();
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private volatile Thread waitingForRoom;

    /**
     * @param onFailure told once, when the queue overflows (with a null cause) or a send fails
     */
    Connection(Session session, int maxQueued, Traffic traffic, BiConsumer<Connection, Throwable> onFailure) {
        this.id = session.getId();
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.maxQueued = maxQueued;
        this.traffic = traffic;
        this.onFailure = onFailure;
    }

    /** Queues a frame; false when the connection is failing or its queue is full (it is then closed as slow). */
    public boolean send(String frame) {
        if (failed.get()) {
            traffic.dropped.increment();
            return false;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            fail(null);
            return false;
        }
        queue.add(frame);
        pump();
        return true;
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
            while (!queue.isEmpty() && sending.compareAndSet(false, true)) {
                String frame = queue.poll();
                if (frame == null) {
                    sending.set(false);
                    continue;
                }
                try {
                    remote.sendText(frame, this::completed);
                } catch (RuntimeException closed) {
                    sending.set(false);
                    fail(closed);
                    return;
                }
            }
        } finally {
            PUMPING.set(outer);
            thread.setContextClassLoader(loader);
        }
    }

    private void completed(SendResult result) {
        queued.decrementAndGet();
        sending.set(false);
        if (!result.isOK()) {
            fail(result.getException());
            return;
        }
        sent.increment();
        traffic.sent.increment();
        Thread waiting = waitingForRoom;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
        pump();
    }

    private void fail(Throwable cause) {
        if (failed.compareAndSet(false, true)) {
            int lost = queued.getAndSet(0) + 1;
            queue.clear();
            traffic.dropped.add(lost);
            Thread waiting = waitingForRoom;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
            onFailure.accept(this, cause);
        }
    }

    /** Waits until fewer than {@code below} frames are queued; false on time-out or failure. */
    boolean awaitRoom(int below, long timeoutMillis) {
        if (queued.get() < below) {
            return !failed.get();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        waitingForRoom = Thread.currentThread();
        try {
            while (queued.get() >= below && !failed.get()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
            }
            return !failed.get();
        } finally {
            waitingForRoom = null;
        }
    }

    public boolean isOpen() {
        return !failed.get() && session.isOpen();
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

    int maxQueued() {
        return maxQueued;
    }
}
