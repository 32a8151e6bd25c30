/**
 * The connection status pill: Live, Reconnecting in Ns, Polling, Offline, with a Retry
 * button. "Polling" is only claimed while polls succeed: a poller that cannot reach the
 * server either is shown as reconnecting, which is what the user needs to know.
 * @module ui/pill
 */
import { h, setText } from './dom.js';

const REASONS = {
  1000: 'disconnected',
  1008: 'access refused: check the token',
  1009: 'a message was too big',
  4500: 'closed by an administrator',
};

/**
 * @param {{state: string, nextRetryAt: number|null, closeCode: number|null, pollHealthy: boolean|null}} status
 * @param {number} now
 * @returns {{key: 'connecting'|'live'|'reconnecting'|'polling'|'offline', label: string, detail: string}}
 */
export function describe({ state, nextRetryAt, closeCode, pollHealthy }, now) {
  const inSeconds = nextRetryAt == null ? 0 : Math.max(0, Math.ceil((nextRetryAt - now) / 1000));
  const reconnecting = (detail) => ({
    key: 'reconnecting', label: inSeconds > 0 ? `Reconnecting in ${inSeconds}s` : 'Reconnecting…', detail,
  });
  switch (state) {
    case 'live': return { key: 'live', label: 'Live', detail: 'connected over WebSocket' };
    case 'connecting': return { key: 'connecting', label: 'Connecting…', detail: 'opening the WebSocket' };
    case 'reconnecting': return reconnecting('the connection dropped');
    case 'polling':
      return pollHealthy
        ? { key: 'polling', label: 'Polling', detail: 'WebSocket unavailable: reading the REST API every 2 s' }
        : reconnecting('the server cannot be reached');
    default: return { key: 'offline', label: 'Offline', detail: REASONS[closeCode] ?? `closed (${closeCode ?? 'no code'})` };
  }
}

export class ConnectionPill {
  #status = { state: 'offline', nextRetryAt: null, closeCode: null, pollHealthy: null };
  #el;
  #label;
  #detail;
  #retry;
  #ticker = null;

  /** @param {HTMLElement} host where the pill goes @param {import('../js/livehub.js').Livehub} client */
  constructor(host, client) {
    this.#label = h('span.pill-label');
    this.#el = h('span.pill', { role: 'status', 'aria-live': 'polite', id: 'connection-state' }, h('span.pill-dot'), this.#label);
    this.#detail = h('span.pill-detail');
    this.#retry = h('button.btn.btn-small', { type: 'button', id: 'retry', onclick: () => client.retry() }, 'Retry');
    host.append(this.#el, this.#detail, this.#retry);
    client.on('state', ({ state, nextRetryAt, closeCode }) => {
      const pollHealthy = state === 'polling' && this.#status.state === 'polling' ? this.#status.pollHealthy : null;
      this.#update({ state, nextRetryAt, closeCode, pollHealthy });
    });
    client.on('poll_error', () => this.#update({ pollHealthy: false }));
    client.on('metrics_update', () => this.#status.state === 'polling' && this.#update({ pollHealthy: true }));
    this.#update({ state: client.state, nextRetryAt: client.nextRetryAt });
  }

  #update(change) {
    this.#status = { ...this.#status, ...change };
    this.#render();
    const counting = this.#status.nextRetryAt != null;
    if (counting && this.#ticker === null) this.#ticker = setInterval(() => this.#render(), 250);
    if (!counting && this.#ticker !== null) {
      clearInterval(this.#ticker);
      this.#ticker = null;
    }
  }

  #render() {
    const { key, label, detail } = describe(this.#status, Date.now());
    this.#el.dataset.state = key;
    document.body.dataset.connection = key;
    setText(this.#label, label);
    setText(this.#detail, detail);
    this.#el.title = detail;
    this.#retry.hidden = key === 'live' || key === 'connecting';
  }
}
