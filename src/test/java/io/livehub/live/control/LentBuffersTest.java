package io.livehub.live.control;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pooled write buffer goes back to the pool only once Grizzly has finished the write that carried it. */
class LentBuffersTest {

    private final WriteBuffers pool = new WriteBuffers(1 << 20);
    private final TyrusFrames.Lent lent = new TyrusFrames.Lent(pool);

    @Test
    void eachFinishedWriteGivesBackItsOwnBufferInIssueOrder() {
        ByteBuffer a = pool.take(2000);
        ByteBuffer b = ByteBuffer.wrap(new byte[100]); // one frame, not copied: not the pool's
        ByteBuffer c = pool.take(3000);
        lent.issued(a, true);
        lent.issued(b, false);
        lent.issued(c, true);
        assertEquals(0, pool.retainedBytes(), "nothing comes back while Grizzly holds the writes");

        lent.finished(null);
        assertEquals(2048, pool.retainedBytes());
        lent.finished(null);
        assertEquals(2048, pool.retainedBytes(), "the second write's buffer was not the pool's");
        assertSame(a, pool.take(2000));
        assertNotSame(c, pool.take(3000), "the third write is not finished: its buffer is still lent");

        lent.finished(null);
        assertSame(c, pool.take(3000));
    }

    @Test
    void aWriteOfABufferNotThePoolsAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteBuffer frame = ByteBuffer.wrap(new byte[100]);
        ByteBuffer pooled = pool.take(2000);
        lent.issued(pooled, true);
        for (int i = 0; i < 20_000; i++) { // compiled before it is measured
            lent.issued(frame, false);
            lent.finished(null);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            lent.issued(frame, false);
            lent.finished(null);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 100_000, "bytes allocated for 100,000 writes of frames not the pool's: " + allocated);
        assertEquals(2048, pool.retainedBytes(), "the pooled write issued before them is finished with the first of them");
    }

    @Test
    void completionsThatOverlapGiveBackEveryBufferOnce() throws Exception {
        for (int round = 0; round < 50; round++) {
            WriteBuffers ownPool = new WriteBuffers(1 << 20);
            TyrusFrames.Lent ownLent = new TyrusFrames.Lent(ownPool);
            for (int i = 0; i < 400; i++) {
                ownLent.issued(ownPool.take(2000), true);
            }
            CyclicBarrier start = new CyclicBarrier(2);
            Callable<Void> finishHalf = () -> {
                start.await(10, TimeUnit.SECONDS);
                for (int i = 0; i < 200; i++) {
                    ownLent.finished(null);
                }
                return null;
            };
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                for (Future<Void> f : two.invokeAll(List.of(finishHalf, finishHalf), 10, TimeUnit.SECONDS)) {
                    f.get();
                }
            } finally {
                two.shutdownNow();
            }
            assertEquals(400 * 2048, ownPool.retainedBytes(), "round " + round + ": every buffer back, once");
        }
    }

    @Test
    void afterAFailedWriteNothingMoreIsGivenBack() {
        ByteBuffer a = pool.take(2000);
        ByteBuffer b = pool.take(2000);
        lent.issued(a, true);
        lent.issued(b, true);
        lent.finished(new IOException("connection reset"));
        lent.finished(null);
        assertEquals(0, pool.retainedBytes());

        lent.issued(pool.take(2000), true);
        lent.finished(null);
        assertEquals(0, pool.retainedBytes());
    }

    @Test
    void aWriteThatThrewStopsTheGivingBack() {
        lent.issued(pool.take(2000), true);
        lent.broken();
        lent.finished(null);
        assertEquals(0, pool.retainedBytes());
    }
}
