package io.livehub.live.control;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class WriteBuffersTest {

    @Test
    void aBufferGivenBackIsTakenAgainForTheSameSizeClass() {
        WriteBuffers pool = new WriteBuffers(1 << 20);
        ByteBuffer first = pool.take(3000);
        assertEquals(0, first.position());
        assertEquals(3000, first.limit());
        assertEquals(4096, first.capacity());
        first.put(new byte[3000]).flip();
        pool.give(first);
        assertEquals(4096, pool.retainedBytes());

        ByteBuffer again = pool.take(2100);
        assertSame(first, again);
        assertEquals(0, again.position());
        assertEquals(2100, again.limit());
        assertEquals(0, pool.retainedBytes());
        assertNotSame(first, pool.take(3000), "a buffer is lent to one write at a time");
    }

    @Test
    void sizesGoToTheirPowerOfTwoAndSmallOnesToTheSmallestClass() {
        WriteBuffers pool = new WriteBuffers(1 << 20);
        assertEquals(1024, pool.take(1).capacity());
        assertEquals(1024, pool.take(1024).capacity());
        assertEquals(2048, pool.take(1025).capacity());
        assertEquals(512 * 1024, pool.take(Connection.MAX_WRITE_BYTES + 1).capacity());
    }

    @Test
    void keepsNoMoreThanItsLimitAndNothingItDidNotLend() {
        WriteBuffers pool = new WriteBuffers(10_000);
        pool.give(pool.take(4096));
        pool.give(pool.take(4096 + 1)); // 8 KiB would pass the limit: dropped
        assertEquals(4096, pool.retainedBytes());

        int beyond = (1 << WriteBuffers.MAX_SHIFT) + 1;
        ByteBuffer large = pool.take(beyond);
        assertEquals(beyond, large.capacity(), "beyond the largest class: allocated as asked, not pooled");
        pool.give(large);
        pool.give(ByteBuffer.allocate(3000));
        pool.give(ByteBuffer.allocateDirect(4096));
        pool.give(ByteBuffer.wrap(new byte[8192], 4096, 4096).slice());
        assertEquals(4096, pool.retainedBytes());
    }
}
