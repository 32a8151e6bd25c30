/**
 * One WebSocket to /ws, from handshake to close: the connect timeout, the heartbeat, and one
 * `onClose` however it ends (server close, lost link, timeout, silence). An ended link is
 * inert, so the client never handles a close twice or hears from an old socket.
 *
 * The heartbeat is application-level because browsers hide WebSocket ping frames from
 * scripts: a link that died silently (laptop lid, NAT timeout) is only noticed by sending
 * `{"type":"ping"}` and expecting some message back within `pongTimeout`.
 * @module live/link
 */
import { CloseCode, SUBPROTOCOL } from './protocol.js';

export class Link {
  #o;
  #on;
  #ws;
  #open = false;
  #ended = false;
  #timers = { connect: null, ping: null, watchdog: null };

  /**
   * @param {string} url
   * @param {typeof import('./options.js').DEFAULTS} o
   * @param {{onOpen: () => void, onFrame: (raw: string) => void,
   *   onClose: (code: number, reason: string, wasOpen: boolean) => void}} on `onClose` is not called after `close()`
   * @throws what the WebSocket constructor throws (bad URL, blocked port)
   */
  constructor(url, o, on) {
    this.#o = o;
    this.#on = on;
    const ws = (this.#ws = new o.WebSocket(url, SUBPROTOCOL));
    ws.onopen = () => {
      this.#clear('connect');
      this.#open = true;
      on.onOpen();
    };
    ws.onmessage = (e) => {
      this.#clear('watchdog'); // any frame, even one that does not parse, proves the link
      on.onFrame(e.data);
    };
    ws.onclose = (e) => this.#end(e.code, e.reason, false);
    // Before open, no close frame can carry a code, so an error is the end; some runtimes
    // (undici in Node 20) fire no close after a refused handshake. After open, wait for the code.
    ws.onerror = () => this.#open || this.#end(CloseCode.ABNORMAL, 'handshake failed', true);
    this.#timers.connect = o.setTimeout(() => this.#end(CloseCode.ABNORMAL, 'connect timeout', true), o.connectTimeout);
  }

  /** @returns {boolean} open and not ended */
  get open() { return this.#open && !this.#ended; }

  /** @param {object} message sent as one JSON text frame */
  send(message) {
    this.#ws.send(JSON.stringify(message));
  }

  /** @param {boolean} [now] also ping at once (the page came back to the foreground) */
  startHeartbeat(now = false) {
    this.stopHeartbeat();
    this.#timers.ping = this.#o.setInterval(() => this.#ping(), this.#o.pingInterval);
    if (now) this.#ping();
  }

  stopHeartbeat() {
    if (this.#timers.ping !== null) this.#o.clearInterval(this.#timers.ping);
    this.#timers.ping = null;
    this.#clear('watchdog');
  }

  /** Closes without calling `onClose`: the client chose to. @param {number} code */
  close(code) {
    if (this.#ended) return;
    this.#ended = true;
    this.#detach();
    this.#ws.close(code);
  }

  #ping() {
    this.send({ type: 'ping' });
    this.#timers.watchdog ??= this.#o.setTimeout(() => this.#end(CloseCode.ABNORMAL, 'no pong', true), this.#o.pongTimeout);
  }

  #end(code, reason, closeSocket) {
    if (this.#ended) return;
    const wasOpen = this.#open;
    this.#ended = true;
    this.#detach();
    if (closeSocket) this.#ws.close();
    this.#on.onClose(code, reason, wasOpen);
  }

  #detach() {
    const ws = this.#ws;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    this.#clear('connect');
    this.stopHeartbeat();
  }

  #clear(name) {
    if (this.#timers[name] !== null) this.#o.clearTimeout(this.#timers[name]);
    this.#timers[name] = null;
  }
}
