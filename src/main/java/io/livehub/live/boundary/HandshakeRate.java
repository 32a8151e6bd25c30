package io.livehub.live.boundary;

/** A token bucket of handshakes: up to {@code perSecond} a second, with a burst of as many. */
final class HandshakeRate {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long at = System.nanoTime();

    HandshakeRate(int perSecond) {
        this.perNano = perSecond / 1e9;
        this.burst = Math.max(1, perSecond);
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
