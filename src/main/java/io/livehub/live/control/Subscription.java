package io.livehub.live.control;

import java.util.ArrayDeque;

/**
 * One connection's subscription to one channel. While its missed changes are replayed (it
 * resumed, or lagged too far: see {@code Hub.catchUp}) it is not live: the dispatcher
 * holds the channel's new frames here, to send after the replay, up to a quarter of a queue;
 * beyond that it drops them and marks the subscription {@link #behind}, and
 * the replay goes on reading them from the store. {@code live}, {@code held}, {@code behind} and
 * {@code fed} belong to the dispatcher's thread.
 */
final class Subscription {

    final Connection connection;
    final String channel;
    boolean live;
    /** Null while live: a live subscription, the most of them, holds nothing. */
    ArrayDeque<Frame> held;
    boolean behind;
    /** Lagging, not live: what {@link #held} holds is fed to the connection as its queue empties (see {@code Hub.catchUp}). */
    boolean fed;
    /** The characters of the frames {@link #held} while {@link #fed}. */
    long heldChars;
    /** While not live: the seq of the last change queued for it (when its replay or its lag began, or since). */
    volatile long sent;
    volatile boolean cancelled;
    /** Its replay, paused until its connection has room; set by the replay, taken by the dispatcher. */
    volatile Runnable paused;

    Subscription(Connection connection, String channel) {
        this.connection = connection;
        this.channel = channel;
    }
}
