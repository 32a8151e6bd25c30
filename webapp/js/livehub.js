/**
 * Livehub browser client: one WebSocket to /ws that reconnects with full-jitter backoff,
 * resumes every channel from its last seq, never hands the page a duplicate, and falls back
 * to polling REST while no socket can open.
 *
 *   import { Livehub } from '/js/livehub.js';
 *   const hub = new Livehub({ token: () => fetchToken(), channels: ['events'] }).connect();
 *   hub.on('event_created', (m) => render(m.data));
 *   hub.on('state', ({ state, nextRetryAt }) => showBanner(state, nextRetryAt));
 *
 * @module livehub
 */
import { backoffDelay } from './live/backoff.js';
import { Emitter } from './live/emitter.js';
import { Link } from './live/link.js';
import { httpOrigin, resolveOptions, socketUrl } from './live/options.js';
import { Poller } from './live/poller.js';
import { CloseCode, needsFreshToken, shouldReconnect } from './live/protocol.js';
import { Stream } from './live/stream.js';
import { TokenSource } from './live/token.js';

export { DEFAULTS } from './live/options.js';
export { CloseCode, ErrorCode, SUBPROTOCOL, shouldReconnect } from './live/protocol.js';

/** Connection states, reported by `client.state` and the `state` event. */
export const State = Object.freeze({
  CONNECTING: 'connecting', LIVE: 'live', RECONNECTING: 'reconnecting', POLLING: 'polling', OFFLINE: 'offline',
});

export class Livehub {
  #o;
  #events = new Emitter();
  #channels;
  #stream;
  #token;
  #poller;
  /** @type {Link|null} */
  #link = null;
  #stopped = true;
  #gen = 0; // bumped when stopped, so a token fetched for an abandoned attempt opens nothing
  #fetchingToken = false;
  #state = State.OFFLINE;
  #nextRetryAt = null;
  #closeCode = null;
  #attempts = 0;
  #failures = 0; // handshakes in a row that never opened
  #policyRetried = false;
  #timers = { retry: null, uptime: null };
  #onVisibility = () => this.#visibilityChanged();

  /** @param {import('./live/options.js').LivehubOptions} options */
  constructor(options = {}) {
    const o = (this.#o = resolveOptions(options));
    this.#channels = new Set(o.channels ?? []);
    this.#stream = new Stream((type, value) => this.#events.emit(type, value), o);
    this.#token = new TokenSource(o.token);
    this.#poller = new Poller({
      ...o, apiBase: o.apiBase ?? httpOrigin(o.url, o.location), interval: o.pollInterval, limit: o.pollLimit,
      channels: () => this.#channels, lastSeq: (c) => this.#stream.lastSeq(c), token: () => this.#token.get(),
      onEvent: (event, channel) => this.#stream.polled(event, channel),
      onMetrics: (data) => this.#stream.metrics(data),
      onUnauthorized: () => (this.#token.refreshable ? this.#token.invalidate() : this.#halt(CloseCode.POLICY_VIOLATION)),
      onError: (error) => this.#events.emit('poll_error', { error }),
    });
  }

  /** @returns {'connecting'|'live'|'reconnecting'|'polling'|'offline'} */
  get state() { return this.#state; }

  /** @returns {number|null} ms epoch of the next WebSocket attempt, or null when none is scheduled */
  get nextRetryAt() { return this.#nextRetryAt; }

  /** @returns {string[]} */
  get channels() { return [...this.#channels]; }

  /** @param {string} channel @returns {number|null} last seq handed to the page */
  lastSeq(channel) { return this.#stream.lastSeq(channel); }

  /**
   * @param {string} type a server message type (`event_created`, `metrics_update`, `subscribed`, `error`, ...), or
   *   `message` (any of them), `state` ({state, nextRetryAt, attempt, closeCode}), `reset` / `recovered`
   *   ({channel, seq, since}), `gap` ({channel, from, to}), `close` ({code, reason, wasOpen}), `poll_error` ({error})
   * @param {(value: any) => void} fn
   * @returns {() => void} removes the listener
   */
  on(type, fn) { return this.#events.on(type, fn); }

  /** @param {string} type @param {Function} fn */
  off(type, fn) { this.#events.off(type, fn); }

  /** Starts connecting (or polling when there is no WebSocket). @returns {this} */
  connect() {
    if (!this.#stopped) return this;
    this.#stopped = false;
    this.#attempts = this.#failures = 0;
    this.#policyRetried = false;
    this.#o.document?.addEventListener?.('visibilitychange', this.#onVisibility);
    if (this.#o.WebSocket) {
      this.#attempt();
    } else {
      this.#poller.start();
      this.#setState(State.POLLING, null);
    }
    return this;
  }

  /** Closes for good, until `connect()` or `retry()`. */
  close() {
    this.#halt(CloseCode.NORMAL);
  }

  /** Tries now instead of waiting for the backoff (a page's retry button). @returns {this} */
  retry() {
    if (this.#stopped) return this.connect();
    if (!this.#o.WebSocket) {
      this.#poller.stop();
      this.#poller.start();
    } else if (!this.#link && !this.#fetchingToken) {
      this.#attempt();
    }
    return this;
  }

  /** @param {string} channel @returns {this} */
  subscribe(channel) {
    if (!this.#channels.has(channel)) {
      this.#channels.add(channel);
      this.send(this.#stream.subscribeMessage(channel));
    }
    return this;
  }

  /** @param {string} channel @returns {this} */
  unsubscribe(channel) {
    if (this.#channels.delete(channel)) this.send({ type: 'unsubscribe', channel });
    return this;
  }

  /** @param {object} message sent as one JSON text frame @returns {boolean} false when not connected */
  send(message) {
    if (!this.#link?.open) return false;
    this.#link.send(message);
    return true;
  }

  /**
   * The server's snapshot, over the socket when it is up, else from GET /api/snapshot.
   * @returns {Promise<{type: 'snapshot', data: object}>}
   */
  snapshot() {
    if (this.#link?.open) return this.#stream.request('snapshot', (message) => this.send(message));
    return this.#poller.getJson('/api/snapshot').then((data) => ({ type: 'snapshot', data }));
  }

  #attempt() {
    this.#clearTimer('retry');
    this.#setState(this.#poller.running ? State.POLLING : State.CONNECTING, null);
    if (!this.#token.needsFetch) return this.#openLink();
    const gen = this.#gen;
    this.#fetchingToken = true;
    this.#token.get().then(
      () => gen === this.#gen && this.#openLink(),
      () => gen === this.#gen && this.#closed(CloseCode.ABNORMAL, 'token function failed', false),
    );
  }

  #openLink() {
    this.#fetchingToken = false;
    const url = socketUrl(this.#o.url, this.#o.location, this.#token.current);
    try {
      this.#link = new Link(url, this.#o, {
        onOpen: () => this.#opened(),
        onFrame: (raw) => this.#stream.frame(raw),
        onClose: (code, reason, wasOpen) => this.#closed(code, reason, wasOpen),
      });
    } catch (error) {
      this.#closed(CloseCode.ABNORMAL, String(error), false);
    }
  }

  #opened() {
    this.#failures = 0;
    this.#policyRetried = false;
    this.#closeCode = null;
    // like reconnecting-websocket: a link that flaps right after opening keeps backing off
    this.#timers.uptime = this.#o.setTimeout(() => { this.#attempts = 0; }, this.#o.minUptime);
    this.#poller.stop();
    this.#setState(State.LIVE, null);
    for (const channel of this.#channels) this.send(this.#stream.subscribeMessage(channel));
    if (!this.#o.document?.hidden) this.#link?.startHeartbeat();
  }

  #closed(code, reason, wasOpen) {
    this.#link = null;
    this.#fetchingToken = false;
    this.#clearTimer('uptime');
    this.#stream.rejectAll();
    this.#closeCode = code;
    this.#events.emit('close', { code, reason, wasOpen });
    if (this.#stopped || this.#link || this.#fetchingToken) return; // a listener closed or retried
    if (needsFreshToken(code)) this.#token.invalidate();
    if (code === CloseCode.POLICY_VIOLATION && this.#token.refreshable && !this.#policyRetried) {
      this.#policyRetried = true; // one more try with a fresh token, never again with the same one
    } else if (!shouldReconnect(code)) {
      return this.#halt(code);
    }
    if (!wasOpen && ++this.#failures >= this.#o.pollAfterFailures) this.#poller.start();
    const { backoffBase: base, backoffCap: cap, random } = this.#o;
    const delay = backoffDelay(this.#attempts++, { base, cap, random });
    this.#timers.retry = this.#o.setTimeout(() => this.#attempt(), delay);
    this.#setState(this.#poller.running ? State.POLLING : State.RECONNECTING, this.#o.now() + delay);
  }

  #halt(code) {
    this.#stopped = true;
    this.#gen++;
    this.#fetchingToken = false;
    this.#o.document?.removeEventListener?.('visibilitychange', this.#onVisibility);
    this.#clearTimer('retry');
    this.#clearTimer('uptime');
    this.#poller.stop();
    this.#link?.close(CloseCode.NORMAL);
    this.#link = null;
    this.#stream.rejectAll();
    this.#closeCode = code;
    this.#setState(State.OFFLINE, null);
  }

  #visibilityChanged() {
    if (this.#stopped) return;
    if (this.#o.document.hidden) {
      this.#link?.stopHeartbeat();
    } else if (this.#link?.open) {
      this.#link.startHeartbeat(true);
    } else if (this.#o.WebSocket && !this.#link && !this.#fetchingToken) {
      this.#attempt();
    }
  }

  #setState(state, nextRetryAt) {
    if (state === this.#state && nextRetryAt === this.#nextRetryAt) return;
    this.#state = state;
    this.#nextRetryAt = nextRetryAt;
    this.#events.emit('state', { state, nextRetryAt, attempt: this.#attempts, closeCode: this.#closeCode });
  }

  #clearTimer(name) {
    if (this.#timers[name] !== null) this.#o.clearTimeout(this.#timers[name]);
    this.#timers[name] = null;
  }
}
