/**
 * Polling fallback: while no socket can open (a proxy that drops upgrades, a WebSocket-less
 * browser), read from REST what the socket would have pushed. One tick at a time (the next is
 * scheduled when the previous ends), so a slow server never piles up requests; `stop()`
 * invalidates a tick in flight, so nothing it brings back reaches the page after the socket
 * took over. Deletions are not visible this way: a deleted event just stops being listed.
 * A channel with no cursor is read from seq 0; give the client `since` to start at the head.
 * @module live/poller
 */

export class Poller {
  #o;
  #gen = 0;
  #running = false;
  #timer = null;

  /**
   * @param {{apiBase: string, interval: number, limit: number, fetch: typeof fetch, setTimeout: Function,
   *   clearTimeout: Function, channels: () => Iterable<string>, lastSeq: (channel: string) => (number|null),
   *   token: () => Promise<string|null>, onEvent: (event: object, channel: string) => void,
   *   onMetrics: (metrics: object) => void, onUnauthorized: () => void, onError: (error: Error) => void}} o
   *   `interval` runs from the end of one tick to the next; `onError` reports a failed tick
   */
  constructor(o) {
    this.#o = o;
  }

  get running() { return this.#running; }

  /** Polls now, then every interval. */
  start() {
    if (this.#running) return;
    this.#running = true;
    this.#tick(++this.#gen);
  }

  stop() {
    this.#running = false;
    this.#gen++;
    if (this.#timer !== null) this.#o.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /**
   * GET a JSON resource with the bearer token.
   * @param {string} path absolute path on the server, e.g. `/api/snapshot`
   * @returns {Promise<any>}
   */
  getJson(path) {
    return this.#get(path, null);
  }

  async #tick(gen) {
    try {
      await this.#pollOnce(gen);
    } catch (error) {
      if (gen === this.#gen) this.#o.onError(error);
    }
    if (gen === this.#gen) this.#timer = this.#o.setTimeout(() => this.#tick(gen), this.#o.interval);
  }

  async #pollOnce(gen) {
    for (const channel of [...this.#o.channels()]) {
      let after = this.#o.lastSeq(channel) ?? 0;
      for (;;) {
        const q = new URLSearchParams({ channel, after: String(after), limit: String(this.#o.limit) });
        const page = await this.#get(`/api/events?${q}`, gen);
        if (!page) return;
        for (const event of page.events ?? []) {
          if (gen !== this.#gen) return;
          this.#o.onEvent(event, channel);
        }
        if (page.next == null || !(page.next > after)) break;
        after = page.next;
      }
    }
    const metrics = await this.#get('/api/metrics', gen);
    if (metrics) this.#o.onMetrics(metrics);
  }

  /** @returns {Promise<any>} the body, or null when the poller was stopped meanwhile (unless gen is null) */
  async #get(path, gen) {
    const stale = () => gen !== null && gen !== this.#gen;
    const token = await this.#o.token();
    if (stale()) return null;
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await this.#o.fetch(new URL(path, this.#o.apiBase).href, { headers });
    if (stale()) return null;
    if (res.status === 401) this.#o.onUnauthorized(res.status);
    if (!res.ok) throw Object.assign(new Error(`livehub: GET ${path} answered ${res.status}`), { status: res.status });
    const body = await res.json();
    return stale() ? null : body;
  }
}
