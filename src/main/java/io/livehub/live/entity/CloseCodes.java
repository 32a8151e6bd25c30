package io.livehub.live.entity;

/**
 * The close codes of the contract. 4000-4499: the client reconnects (with backoff and jitter,
 * resuming with {@code since}); 4500-4999: it does not reconnect on its own.
 */
public final class CloseCodes {

    public static final int NORMAL = 1000;
    public static final int POLICY = 1008;
    public static final int TOO_BIG = 1009;
    public static final int INTERNAL = 1011;
    public static final int RESTARTING = 1012;
    public static final int TRY_AGAIN_LATER = 1013;
    public static final int TOKEN_EXPIRED = 4401;
    public static final int SLOW_CONSUMER = 4408;
    public static final int CLOSED_BY_ADMIN = 4500;

    private CloseCodes() {
    }
}
