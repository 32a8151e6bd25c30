/**
 * Where the client is in each channel. The server numbers every `event_*` message of a
 * channel 1, 2, 3, ...; the client keeps the last seq it handed to the page, resumes from it
 * and drops anything at or below it, so the page never sees a message twice.
 * @module live/cursor
 */

/** @typedef {{channel: string, from: number, to: number}} Gap seqs that were skipped */

export class Cursor {
  /** @type {Map<string, number>} */
  #last = new Map();

  /** @param {Record<string, number>|null} [initial] seqs to start from, e.g. read from a snapshot */
  constructor(initial) {
    for (const [channel, seq] of Object.entries(initial ?? {})) this.set(channel, seq);
  }

  /** @param {string} channel @returns {number|null} */
  get(channel) { return this.#last.get(channel) ?? null; }

  /** Moves the cursor unconditionally (after a reset the page starts over). */
  set(channel, seq) {
    if (Number.isSafeInteger(seq) && seq >= 0) this.#last.set(channel, seq);
  }

  /**
   * Decides about one message and advances the cursor when it is accepted.
   * A message without a numeric seq is accepted and leaves the cursor alone.
   * @param {string} channel
   * @param {number} seq
   * @returns {{accept: boolean, gap: Gap|null}}
   */
  accept(channel, seq) {
    if (!Number.isSafeInteger(seq)) return { accept: true, gap: null };
    const last = this.#last.get(channel);
    if (last !== undefined && seq <= last) return { accept: false, gap: null };
    this.#last.set(channel, seq);
    const gap = last !== undefined && seq > last + 1 ? { channel, from: last + 1, to: seq - 1 } : null;
    return { accept: true, gap };
  }
}

/** A Set of ids that forgets the oldest once it holds `max`; insertion order is age. */
export class RecentIds {
  #ids = new Set();
  #max;

  /** @param {number} max */
  constructor(max) { this.#max = max; }

  has(id) { return this.#ids.has(id); }

  add(id) {
    this.#ids.delete(id);
    this.#ids.add(id);
    if (this.#ids.size > this.#max) this.#ids.delete(this.#ids.values().next().value);
  }

  delete(id) { this.#ids.delete(id); }
}
