// Test doubles for the client's environment: a manual clock, a scriptable WebSocket, a page
// document and a routed fetch. Nothing here sleeps; time moves only through clock.advance().
import { Livehub } from '../js/livehub.js';

/** Timers that fire only when the test advances the clock, in time order. */
export class FakeClock {
  now = 1_700_000_000_000;
  #timers = new Map();
  #nextId = 1;

  setTimeout = (fn, ms) => this.#add(fn, ms, 0);
  setInterval = (fn, ms) => this.#add(fn, ms, ms);
  clearTimeout = (id) => this.#timers.delete(id);
  clearInterval = (id) => this.#timers.delete(id);

  /** Runs every timer due within `ms`, earliest first (ties in creation order). */
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      let due = null;
      for (const [id, t] of this.#timers) if (t.at <= end && (!due || t.at < due.t.at)) due = { id, t };
      if (!due) break;
      this.now = due.t.at;
      if (due.t.every) due.t.at += due.t.every;
      else this.#timers.delete(due.id);
      due.t.fn();
    }
    this.now = end;
  }

  /** @returns {number} timers still scheduled */
  get pending() { return this.#timers.size; }

  /** @returns {object} the options that inject this clock */
  options() {
    const { setTimeout, clearTimeout, setInterval, clearInterval } = this;
    return { setTimeout, clearTimeout, setInterval, clearInterval, now: () => this.now };
  }

  #add(fn, ms, every) {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.now + Math.max(0, ms), fn, every });
    return id;
  }
}

/** A WebSocket class whose instances the test drives from the server side. */
export function fakeWebSockets() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url, protocols) {
      Object.assign(this, { url: new URL(url), protocols, readyState: 0, sent: [], closedWith: null });
      sockets.push(this);
    }
    send(data) {
      if (this.readyState !== 1) throw new Error('send on a socket that is not open');
      this.sent.push(JSON.parse(data));
    }
    close(code) {
      this.closedWith = { code };
      this.readyState = 3;
    }
    serverOpen() {
      this.readyState = 1;
      this.onopen?.({});
    }
    serverSend(message) {
      this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
    }
    serverError() {
      this.onerror?.({});
    }
    serverClose(code, reason = '') {
      this.readyState = 3;
      this.onclose?.({ code, reason, wasClean: code !== 1006 });
    }
  }
  return { WebSocket: FakeWebSocket, sockets, get last() { return sockets.at(-1); } };
}

/** A page document whose visibility the test flips. */
export class FakeDocument {
  hidden = false;
  #listeners = new Set();
  addEventListener(type, fn) { if (type === 'visibilitychange') this.#listeners.add(fn); }
  removeEventListener(type, fn) { this.#listeners.delete(fn); }
  setHidden(hidden) {
    this.hidden = hidden;
    for (const fn of [...this.#listeners]) fn();
  }
}

/**
 * A fetch that answers from `route(url)` (a body, or {status, body}) and records each call.
 * @param {(url: URL) => any} route
 */
export function fakeFetch(route) {
  const calls = [];
  const fetch = async (href, init) => {
    const url = new URL(href);
    calls.push({ url, headers: init?.headers ?? {} });
    const answer = route(url);
    const { status = 200, body = answer } = answer?.status ? answer : {};
    return { ok: status < 300, status, json: async () => body };
  };
  return { fetch, calls };
}

/** Lets pending promise chains (fake fetches, token functions) run to completion. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A client wired to fakes; `random` defaults to 1 so every backoff delay is its window's top.
 * @param {object} [options] client options overriding the harness defaults
 */
export function harness(options = {}) {
  const clock = new FakeClock();
  const ws = fakeWebSockets();
  const document = new FakeDocument();
  const client = new Livehub({
    url: 'wss://hub.example/ws', token: 'tok', random: () => 1, WebSocket: ws.WebSocket, document,
    fetch: () => Promise.reject(new Error('no fetch in this test')), ...clock.options(), ...options,
  });
  const seen = [];
  const types = ['state', 'message', 'reset', 'recovered', 'gap', 'close', 'poll_error'];
  for (const type of types) client.on(type, (value) => seen.push({ on: type, ...value }));
  /** @param {string} on @returns {object[]} what the page saw of one kind */
  const events = (on) => seen.filter((e) => e.on === on || (e.on === 'message' && e.type === on));
  return { clock, ws, document, client, events };
}

/** An event as GET /api/events lists it. */
export function storedEvent(seq, id = `ev-${seq}`, channel = 'events') {
  return { id, channel, type: 'deploy.finished', status: 'pending', payload: {}, seq, created_at: 't', updated_at: 't' };
}
