/**
 * Where the JWT comes from: a fixed string, or a function asked again whenever the server
 * refused or expired the token in hand. Concurrent askers share one call.
 * @module live/token
 */

export class TokenSource {
  #source;
  #token;
  #stale = true;
  #pending = null;

  /** @param {string|null|(() => (string|null|Promise<string|null>))} source */
  constructor(source) {
    this.#source = source;
    this.#token = typeof source === 'string' ? source : null;
  }

  /** @returns {boolean} whether asking again can give another token */
  get refreshable() { return typeof this.#source === 'function'; }

  /** @returns {boolean} whether `get()` will call the function */
  get needsFetch() { return this.refreshable && this.#stale; }

  /** @returns {string|null} the token in hand */
  get current() { return this.#token; }

  /** The token in hand was refused or expired. */
  invalidate() { this.#stale = true; }

  /** @returns {Promise<string|null>} */
  get() {
    if (!this.needsFetch) return Promise.resolve(this.#token);
    this.#pending ??= Promise.resolve()
      .then(this.#source)
      .then((token) => {
        this.#token = token ?? null;
        this.#stale = false;
        return this.#token;
      })
      .finally(() => { this.#pending = null; });
    return this.#pending;
  }
}
