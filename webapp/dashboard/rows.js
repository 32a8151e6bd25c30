/**
 * The event table's model, without the DOM: one entry per event id, newest first by
 * creation time, at most `max` of them. Creates, updates and deletes, from the snapshot, the
 * socket or the poller, all come through `upsert` and `remove`, so an event is never listed
 * twice however it arrived.
 * @module dashboard/rows
 */

/** @typedef {{id: string, channel: string, type: string, status: string, seq: number, payload: object,
 *   created_at: string, updated_at: string}} LiveEvent */

const newerFirst = (a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.seq - a.seq;

export class Rows {
  /** @type {LiveEvent[]} */
  #order = [];
  /** @type {Map<string, LiveEvent>} */
  #byId = new Map();
  #max;

  /** @param {number} max rows kept; the oldest go first */
  constructor(max = 500) { this.#max = max; }

  get size() { return this.#order.length; }

  /** @returns {LiveEvent[]} newest first */
  get all() { return this.#order; }

  /** @param {string} id */
  get(id) { return this.#byId.get(id); }

  /**
   * @param {LiveEvent} event
   * @returns {{change: 'created'|'updated'|'stale', index: number, dropped: LiveEvent[]}} where it now is
   *   (`stale`: an older version than the one listed, ignored)
   */
  upsert(event) {
    const known = this.#byId.get(event.id);
    if (known) {
      if (Number.isFinite(known.seq) && event.channel === known.channel && event.seq < known.seq) {
        return { change: 'stale', index: this.#order.indexOf(known), dropped: [] };
      }
      const index = this.#order.indexOf(known);
      this.#order[index] = event;
      this.#byId.set(event.id, event);
      return { change: 'updated', index, dropped: [] };
    }
    let index = this.#order.findIndex((other) => newerFirst(event, other) < 0);
    if (index < 0) index = this.#order.length;
    this.#order.splice(index, 0, event);
    this.#byId.set(event.id, event);
    const dropped = this.#order.splice(this.#max);
    for (const old of dropped) this.#byId.delete(old.id);
    return { change: 'created', index, dropped };
  }

  /** @param {string} id @returns {boolean} whether it was listed */
  remove(id) {
    const known = this.#byId.get(id);
    if (!known) return false;
    this.#byId.delete(id);
    this.#order.splice(this.#order.indexOf(known), 1);
    return true;
  }
}

/**
 * @param {LiveEvent} event
 * @param {{channel: string, status: string}} filter '' matches everything
 */
export function matches(event, { channel, status }) {
  return (!channel || event.channel === channel) && (!status || event.status === status);
}
