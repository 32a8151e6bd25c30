package io.livehub.live.control;

import java.util.concurrent.atomic.LongAdder;

/** Messages sent and dropped on this node, for the metrics. */
public final class Traffic {

    final LongAdder sent = new LongAdder();
    final LongAdder dropped = new LongAdder();
    /** Frames queued in connections and not yet handed to the container: how far the writers are behind. */
    final LongAdder backlog = new LongAdder();

    public long sent() {
        return sent.sum();
    }

    public long dropped() {
        return dropped.sum();
    }
}
