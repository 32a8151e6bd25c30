/**
 * A minimal event emitter. A listener that throws is reported and never stops the others
 * or the client's own bookkeeping.
 * @module live/emitter
 */

export class Emitter {
  /** @type {Map<string, Set<Function>>} */
  #listeners = new Map();

  /**
   * @param {string} type
   * @param {(value: any) => void} fn
   * @returns {() => void} removes this listener
   */
  on(type, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(fn);
    return () => this.off(type, fn);
  }

  /** @param {string} type @param {Function} fn */
  off(type, fn) {
    this.#listeners.get(type)?.delete(fn);
  }

  /** @param {string} type @param {any} value */
  emit(type, value) {
    for (const fn of [...(this.#listeners.get(type) ?? [])]) {
      try {
        fn(value);
      } catch (error) {
        console.error(`livehub: a '${type}' listener failed`, error);
      }
    }
  }
}
