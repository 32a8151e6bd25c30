/**
 * Reconnect delays: exponential backoff with full jitter (AWS architecture blog, "Exponential
 * Backoff And Jitter"). Full jitter spreads a crowd of clients that lost the same server over
 * the whole window instead of letting them come back in waves.
 * @module live/backoff
 */

/**
 * @param {number} attempt 0 for the first retry, then 1, 2, ...
 * @param {{base?: number, cap?: number, random?: () => number}} [options]
 * @returns {number} milliseconds, uniformly in [0, min(cap, base * 2^attempt)]
 */
export function backoffDelay(attempt, { base = 500, cap = 20000, random = Math.random } = {}) {
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt));
  return Math.round(random() * ceiling);
}
