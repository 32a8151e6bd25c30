package io.livehub.live.control;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's subscription to one channel. While its missed changes are replayed it is
 * not yet live: the dispatcher holds the channel's new frames here, to send after the replay,
 * up to a queue's worth; beyond that it drops them and marks the subscription {@link #behind}, and
 * the replay goes on reading them from the store. {@code live}, {@code held} and {@code behind}
 * belong to the dispatcher's thread.
 */
final class Subscription {

    final Connection connection;
    final String channel;
    boolean live;
    List<Frame> held = new ArrayList<>();
    boolean behind;
    volatile boolean cancelled;

    Subscription(Connection connection, String channel) {
        this.connection = connection;
        this.channel = channel;
    }
}
