/**
 * Client options: every default in one constant, and the URLs derived from them.
 * The environment (WebSocket, fetch, timers, clock, page) is an option too, so tests run the
 * real client in Node with fakes and no sleeps.
 * @module live/options
 */

/**
 * Options of `new Livehub(options)`: any subset of DEFAULTS; an undefined value keeps the default.
 * @typedef {Partial<typeof DEFAULTS>} LivehubOptions
 */
export const DEFAULTS = Object.freeze({
  /** @type {string|null} socket URL (ws:, wss:, http:, https: or relative); null: `/ws` on the page's host */
  url: null,
  /** @type {string|null} origin of the REST API; null: the origin of `url` */
  apiBase: null,
  /** @type {string|null|(() => (string|null|Promise<string|null>))} a JWT, or a function that gets one */
  token: null,
  /** @type {readonly string[]} channels subscribed on every (re)connect */
  channels: Object.freeze(['events']),
  /** @type {Record<string, number>|null} last seq per channel to resume from, e.g. read with the snapshot */
  since: null,
  connectTimeout: 5000, // ms a handshake may take
  minUptime: 5000, // ms a connection must stay up before the backoff starts over
  backoffBase: 500, // ms, first retry window
  backoffCap: 20000, // ms, largest retry window
  pingInterval: 20000, // ms between two pings
  pongTimeout: 10000, // ms to wait for any message after a ping
  pollAfterFailures: 3, // handshakes failing in a row before polling REST
  pollInterval: 2000, // ms between two polls
  pollLimit: 1000, // `limit` of one GET /api/events page
  seenIds: 10000, // event ids remembered: a polled id seen before is an update
  // environment; wrapped because browsers throw "Illegal invocation" on an unbound setTimeout or fetch
  WebSocket: globalThis.WebSocket ?? null,
  fetch: (...args) => globalThis.fetch(...args),
  document: globalThis.document ?? null,
  location: globalThis.location ?? null,
  random: () => Math.random(),
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (id) => globalThis.clearInterval(id),
});

/**
 * @param {LivehubOptions} options
 * @returns {typeof DEFAULTS} the defaults overridden by every option that is not undefined
 */
export function resolveOptions(options = {}) {
  const o = { ...DEFAULTS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) o[key] = value;
  if (o.url == null && !o.location) throw new TypeError('livehub: options.url is required outside a page');
  if (o.token != null && typeof o.token !== 'string' && typeof o.token !== 'function') {
    throw new TypeError('livehub: options.token must be a string or a function');
  }
  return o;
}

/**
 * @param {string|null} url
 * @param {{href: string}|null} location
 * @param {string|null} token added as the `token` query parameter (browsers cannot send headers)
 * @returns {string} ws: or wss: URL of the socket
 */
export function socketUrl(url, location, token) {
  const u = new URL(url ?? '/ws', location?.href);
  u.protocol = u.protocol.replace(/^http/, 'ws');
  if (token) u.searchParams.set('token', token);
  return u.href;
}

/**
 * @param {string|null} url
 * @param {{href: string}|null} location
 * @returns {string} http: or https: origin of the server behind the socket
 */
export function httpOrigin(url, location) {
  const u = new URL(socketUrl(url, location, null));
  u.protocol = u.protocol.replace(/^ws/, 'http');
  return u.origin;
}
