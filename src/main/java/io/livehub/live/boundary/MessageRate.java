package io.livehub.live.boundary;

/**
 * A connection's inbound message budget: {@code perSecond} a second with a burst of twice that.
 * Over budget a message is refused; refusing more than {@code perSecond} messages within the
 * last ten seconds counts as sustained abuse.
 */
final class MessageRate {

    enum Verdict { ALLOWED, REFUSED, ABUSE }

    private final double perNano;
    private final double burst;
    private final int abuse;
    private double tokens;
    private long at = System.nanoTime();
    private int refused;
    private long refusedSince = at;

    MessageRate(int perSecond) {
        this.perNano = perSecond / 1e9;
        this.burst = 2.0 * perSecond;
        this.abuse = Math.max(10, perSecond);
        this.tokens = burst;
    }

    synchronized Verdict take() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - at) * perNano);
        at = now;
        if (tokens >= 1) {
            tokens -= 1;
            return Verdict.ALLOWED;
        }
        if (now - refusedSince > 10_000_000_000L) {
            refused = 0;
            refusedSince = now;
        }
        return ++refused > abuse ? Verdict.ABUSE : Verdict.REFUSED;
    }
}
