package io.livehub.live.boundary;

/**
 * A connection's inbound message budget: {@code perSecond} a second with a burst of twice that.
 * Over budget a message is refused; refusing more than {@code perSecond} messages within the
 * last ten seconds counts as sustained abuse, said once: every message after it is ignored while
 * the connection is closed.
 */
final class MessageRate {

    enum Verdict { ALLOWED, REFUSED, ABUSE, IGNORED }

    private final TokenBucket budget;
    private final int abuse;
    private int refused;
    private long refusedSince = System.nanoTime();
    private boolean abused;

    MessageRate(int perSecond) {
        this.budget = new TokenBucket(perSecond, 2.0 * perSecond);
        this.abuse = Math.max(10, perSecond);
    }

    synchronized Verdict take() {
        if (abused) {
            return Verdict.IGNORED;
        }
        if (budget.tryAcquire()) {
            return Verdict.ALLOWED;
        }
        long now = System.nanoTime();
        if (now - refusedSince > 10_000_000_000L) {
            refused = 0;
            refusedSince = now;
        }
        abused = ++refused > abuse;
        return abused ? Verdict.ABUSE : Verdict.REFUSED;
    }
}
