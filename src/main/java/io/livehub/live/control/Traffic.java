package io.livehub.live.control;

import java.util.concurrent.atomic.LongAdder;

/** Messages sent and dropped on this node, for the metrics. */
public final class Traffic {

    final LongAdder sent = new LongAdder();
    final LongAdder dropped = new LongAdder();

    public long sent() {
        return sent.sum();
    }

    public long dropped() {
        return dropped.sum();
    }
}
