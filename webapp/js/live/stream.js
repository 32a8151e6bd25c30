/**
 * Turns what arrives (socket frames, polled events) into what the page sees: every message
 * once, in seq order per channel, with `reset` / `recovered` / `gap` where resuming needs the
 * page's attention, and socket replies matched to the request that asked for them.
 * @module live/stream
 */
import { Cursor, RecentIds } from './cursor.js';

export class Stream {
  #emit;
  #cursor;
  #seen;
  #requests = new Map();
  #requestId = 0;

  /**
   * @param {(type: string, value: any) => void} emit
   * @param {{since?: Record<string, number>|null, seenIds: number}} options
   */
  constructor(emit, { since, seenIds }) {
    this.#emit = emit;
    this.#cursor = new Cursor(since);
    this.#seen = new RecentIds(seenIds);
  }

  /** @param {string} channel @returns {number|null} last seq handed to the page */
  lastSeq(channel) { return this.#cursor.get(channel); }

  /** @param {string} channel @returns {object} subscribe message resuming after the last seq */
  subscribeMessage(channel) {
    const since = this.#cursor.get(channel);
    return since === null ? { type: 'subscribe', channel } : { type: 'subscribe', channel, since };
  }

  /**
   * Registers a request; `frame()` settles it when the reply with its id arrives.
   * @param {string} type
   * @param {(message: object) => void} send
   * @returns {Promise<object>} the reply message
   */
  request(type, send) {
    const id = `${type}-${++this.#requestId}`;
    return new Promise((resolve, reject) => {
      this.#requests.set(id, { resolve, reject });
      send({ type, id });
    });
  }

  /** Rejects every pending request: the socket that should answer is gone. */
  rejectAll() {
    for (const { reject } of this.#requests.values()) reject(new Error('livehub: connection closed'));
    this.#requests.clear();
  }

  /** @param {string} raw one text frame */
  frame(raw) {
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      return; // the bare `pong` text frame
    }
    if (typeof msg?.type !== 'string') return;
    const request = msg.id != null && this.#requests.get(msg.id);
    if (request) {
      this.#requests.delete(msg.id);
      if (msg.type !== 'error') request.resolve(msg);
      else request.reject(Object.assign(new Error(msg.error?.message ?? 'error'), { code: msg.error?.code }));
    }
    if (msg.type === 'subscribed') this.#subscribed(msg);
    this.#deliver(msg, true);
  }

  /**
   * One event read from GET /api/events, shaped like the socket message. The list does not say
   * whether an event is new or changed: an id already seen in this session is an update.
   * @param {object} event
   * @param {string} channel
   */
  polled(event, channel) {
    const type = this.#seen.has(event.id) ? 'event_update' : 'event_created';
    this.#deliver({ type, channel: event.channel ?? channel, seq: event.seq, data: event }, false);
  }

  /** @param {object} data metrics read from GET /api/metrics */
  metrics(data) {
    this.#deliver({ type: 'metrics_update', data }, false);
  }

  #subscribed({ channel, seq, recovered }) {
    const since = this.#cursor.get(channel);
    if (recovered === false) {
      this.#cursor.set(channel, seq); // history no longer reaches back; the page reloads
      this.#emit('reset', { type: 'reset', channel, seq, since });
    } else if (recovered === true) {
      this.#emit('recovered', { type: 'recovered', channel, seq, since });
    } else if (since === null) {
      this.#cursor.set(channel, seq); // a fresh subscription starts at the channel's head
    }
  }

  #deliver(msg, live) {
    if (msg.type.startsWith('event_')) {
      const { accept, gap } = this.#cursor.accept(msg.channel, msg.seq);
      if (!accept) return;
      if (gap && live) this.#emit('gap', gap); // polling skips seqs of deleted and re-updated events
      const id = msg.data?.id;
      if (id != null) msg.type === 'event_deleted' ? this.#seen.delete(id) : this.#seen.add(id);
    }
    this.#emit(msg.type, msg);
    this.#emit('message', msg);
  }
}
