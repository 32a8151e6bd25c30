package io.livehub.live.control;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Tells a connection when each of its writes has been taken by the container, exactly once, in
 * order. A write is taken either at once (the container's queue had room) or when the container
 * finishes it, whichever comes first. The container finishes writes in the order they were
 * issued, so its n-th completion belongs to the n-th write: counting them keeps a late
 * completion of a write already reported from reporting the next one, which the connection would
 * take as leave to start a third write ahead of the second.
 * <p>
 * {@link #issue} and {@link #taken} are called by the connection's one sender at a time;
 * {@link #finished} by the container's threads.
 */
final class WriteReports {

    private final Consumer<Throwable> written;
    private final Consumer<Throwable> broken;
    /** Writes issued; the sender's only. */
    private long issued;
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong reported = new AtomicLong();

    /**
     * {@code written} gets null or the failure once per write, when it is taken;
     * {@code broken} gets the failure of a write already reported taken.
     */
    WriteReports(Consumer<Throwable> written, Consumer<Throwable> broken) {
        this.written = written;
        this.broken = broken;
    }

    /** A write is about to be handed to the container; its number. */
    long issue() {
        return ++issued;
    }

    /** The container took write {@code n} at once (its queue had room). */
    void taken(long n) {
        report(n, null);
    }

    /** The container finished its next write, with {@code failure} or null. */
    void finished(Throwable failure) {
        if (!report(finished.incrementAndGet(), failure) && failure != null) {
            broken.accept(failure);
        }
    }

    private boolean report(long n, Throwable failure) {
        if (reported.compareAndSet(n - 1, n)) {
            written.accept(failure);
            return true;
        }
        return false;
    }
}
