package io.livehub.live.control;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reused buffers for the writes that join several of a connection's queued frames: without them
 * those buffers were more than half of the bytes the server allocated at 100 events/s (async-profiler
 * {@code alloc}), and what filled the young generation. A buffer comes back only once the container
 * reports its write finished (see {@code TyrusFrames}); one lost on a failed write is left to the
 * collector. Sizes are powers of two from 1 KiB to {@code Connection.MAX_WRITE_BYTES} and a bit;
 * at most {@link #MAX_RETAINED_BYTES} wait here, so the pool gives back the memory of a burst.
 * Thread-safe: any thread takes, any thread gives.
 */
final class WriteBuffers {

    /** The smallest size kept, as a power of two (1 KiB). */
    static final int MIN_SHIFT = 10;
    /** The largest: a write of {@code Connection.MAX_WRITE_BYTES} plus the frame that crossed it fits. */
    static final int MAX_SHIFT = 20;
    static final long MAX_RETAINED_BYTES = 16L * 1024 * 1024;

    private final ConcurrentLinkedDeque<ByteBuffer>[] free;
    private final AtomicLong retained = new AtomicLong();
    private final long maxRetained;

    static final WriteBuffers SHARED = new WriteBuffers(MAX_RETAINED_BYTES);

    @SuppressWarnings("unchecked")
    WriteBuffers(long maxRetained) {
        this.maxRetained = maxRetained;
        free = new ConcurrentLinkedDeque[MAX_SHIFT - MIN_SHIFT + 1];
        for (int i = 0; i < free.length; i++) {
            free[i] = new ConcurrentLinkedDeque<>();
        }
    }

    /** A buffer with position 0 and limit {@code size}; pooled when {@code size} fits a class. */
    ByteBuffer take(int size) {
        int shift = shift(size);
        if (shift > MAX_SHIFT) {
            return ByteBuffer.allocate(size);
        }
        ByteBuffer b = free[shift - MIN_SHIFT].pollFirst();
        if (b == null) {
            b = ByteBuffer.allocate(1 << shift);
        } else {
            retained.addAndGet(-b.capacity());
        }
        return b.clear().limit(size);
    }

    /** Gives back a buffer from {@link #take} that nothing reads any more; kept while the pool has room. */
    void give(ByteBuffer b) {
        int capacity = b.capacity();
        if (Integer.bitCount(capacity) != 1 || capacity < 1 << MIN_SHIFT || capacity > 1 << MAX_SHIFT
                || b.isDirect() || b.isReadOnly() || b.arrayOffset() != 0) {
            return;
        }
        if (retained.addAndGet(capacity) > maxRetained) {
            retained.addAndGet(-capacity);
            return;
        }
        free[Integer.numberOfTrailingZeros(capacity) - MIN_SHIFT].offerFirst(b);
    }

    long retainedBytes() {
        return retained.get();
    }

    private static int shift(int size) {
        return Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(1, size) - 1));
    }
}
