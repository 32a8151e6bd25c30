package io.livehub.live.control;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's subscription to one channel. While its missed changes are replayed it is
 * not yet live: the dispatcher holds the channel's new frames here, to send after the replay.
 */
final class Subscription {

    final Connection connection;
    final String channel;
    boolean live;
    List<Frame> held = new ArrayList<>();
    volatile boolean cancelled;

    Subscription(Connection connection, String channel) {
        this.connection = connection;
        this.channel = channel;
    }
}
