package io.livehub.live.control;

import jakarta.enterprise.concurrent.ManagedThreadFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The threads that hand connections' queued frames to the container, so that a broadcast's
 * writes (a system call each) run on every core instead of one. Each connection belongs to one
 * writer, so its flushes run in order on one thread; a small flush is written by the dispatcher
 * itself, because waking a writer would cost more than it saves.
 * <p>
 * {@link #add} and {@link #flush} are called by the hub's dispatcher thread only, {@link #resume}
 * by any thread.
 */
final class Writers {

    private static final Logger LOG = Logger.getLogger(Writers.class.getName());
    /** True on the writer threads. */
    private static final ThreadLocal<Boolean> WRITER = ThreadLocal.withInitial(() -> false);
    /** Up to this many connections to flush, the dispatcher writes them itself. */
    static final int INLINE = 16;

    private final List<List<Connection>> pending = new ArrayList<>();
    private final List<BlockingQueue<List<Connection>>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private int size;
    private volatile boolean running = true;

    /** {@code count}: how many writer threads; 0 or less means one per core. */
    Writers(int count, ManagedThreadFactory factory) {
        int n = count > 0 ? count : Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < n; i++) {
            pending.add(new ArrayList<>());
            BlockingQueue<List<Connection>> queue = new LinkedBlockingQueue<>();
            queues.add(queue);
            if (n > 1) {
                Thread t = factory.newThread(() -> write(queue));
                t.setName("livehub-writer-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }
    }

    /** A connection with frames offered and not yet flushed. */
    void add(Connection c) {
        pending.get(writerOf(c)).add(c);
        size++;
    }

    /**
     * Goes on writing a connection whose send the container finished on a thread of its own, from
     * any thread: on a writer thread at once, else on the connection's writer. So the next write
     * (a buffer of up to {@code Connection.MAX_WRITE_BYTES} built and handed to the container)
     * does not run inside the container's completion callback, on the one selector thread that
     * finishes every connection's queued writes.
     */
    void resume(Connection c) {
        if (threads.isEmpty() || WRITER.get()) {
            flush(c);
        } else {
            queues.get(writerOf(c)).add(List.of(c));
        }
    }

    private int writerOf(Connection c) {
        return Math.floorMod(System.identityHashCode(c), pending.size());
    }

    /** Starts writing everything {@link #add}ed. */
    void flush() {
        if (size == 0) {
            return;
        }
        boolean inline = threads.isEmpty() || size <= INLINE;
        for (int i = 0; i < pending.size(); i++) {
            List<Connection> list = pending.get(i);
            if (list.isEmpty()) {
                continue;
            }
            for (Connection c : list) {
                c.dirty = false;
            }
            if (inline) {
                list.forEach(Writers::flush);
                list.clear();
            } else {
                queues.get(i).add(list);
                pending.set(i, new ArrayList<>(list.size())); // a broadcast's size: no copies growing it
            }
        }
        size = 0;
    }

    private void write(BlockingQueue<List<Connection>> queue) {
        WRITER.set(true);
        while (running) {
            try {
                queue.take().forEach(Writers::flush);
            } catch (InterruptedException stopping) {
                return;
            }
        }
    }

    private static void flush(Connection c) {
        try {
            c.flush();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Writing to connection " + c.id() + " failed", e);
        }
    }

    void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
    }
}
