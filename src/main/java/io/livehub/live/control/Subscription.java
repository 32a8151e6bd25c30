package io.livehub.live.control;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's subscription to one channel. While its missed changes are replayed (it
 * resumed, or its connection lagged: see {@code Hub.catchUp}) it is not live: the dispatcher
 * holds the channel's new frames here, to send after the replay, up to a quarter of a queue;
 * beyond that it drops them and marks the subscription {@link #behind}, and
 * the replay goes on reading them from the store. {@code live}, {@code held} and {@code behind}
 * belong to the dispatcher's thread.
 */
final class Subscription {

    final Connection connection;
    final String channel;
    boolean live;
    List<Frame> held = new ArrayList<>();
    boolean behind;
    /** While not live: the seq of the last change queued for it from the change log (or before its replay). */
    volatile long sent;
    volatile boolean cancelled;

    Subscription(Connection connection, String channel) {
        this.connection = connection;
        this.channel = channel;
    }
}
