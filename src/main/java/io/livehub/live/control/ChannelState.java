package io.livehub.live.control;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** What the dispatcher knows of one channel; touched by the dispatcher thread only. */
final class ChannelState {

    final String name;
    /** The last seq delivered to the subscribers; every later change is delivered in order. */
    long delivered;
    final Map<Connection, Subscription> subscribers = new LinkedHashMap<>();
    /** Changes that arrived before an earlier one, by seq, with their frames. */
    final TreeMap<Long, Frame> early = new TreeMap<>();
    long earlySince;
    boolean filling;
    /** For the rate of changes: the seq delivered and the time at the last look. */
    long sampledSeq = -1;
    long sampledAt;
    double rate;

    ChannelState(String name, long delivered) {
        this.name = name;
        this.delivered = delivered;
    }
}
