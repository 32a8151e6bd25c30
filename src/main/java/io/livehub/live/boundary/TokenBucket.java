package io.livehub.live.boundary;

/** A token bucket: {@code perSecond} tokens a second, holding at most {@code burst}; starts full. */
final class TokenBucket {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long at = System.nanoTime();

    TokenBucket(int perSecond, double burst) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
    }

    synchronized boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - at) * perNano);
        at = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
