/**
 * The wire contract of /ws, mirroring PROTOCOL.md ("Close codes", "Errors on the socket").
 * The Java side keeps the same constants in one class; change both together.
 * @module live/protocol
 */

/** Subprotocol the client asks for in the handshake. */
export const SUBPROTOCOL = 'livehub.v1';

/** WebSocket close codes the server uses (and 1006, which browsers report for a lost link). */
export const CloseCode = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  ABNORMAL: 1006,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  TOKEN_EXPIRED: 4401,
  SLOW_CONSUMER: 4408,
  CLOSED_BY_ADMIN: 4500,
});

/** Values of `error.code` in an `error` message; the connection stays open after one. */
export const ErrorCode = Object.freeze({
  BAD_JSON: 'bad_json',
  UNKNOWN_TYPE: 'unknown_type',
  INVALID: 'invalid',
  FORBIDDEN: 'forbidden',
  RATE_LIMITED: 'rate_limited',
  TOO_BIG: 'too_big',
});

/**
 * Whether the client may reconnect on its own after a close with this code. Decided by
 * range, not by code, so a code the server adds later is handled: 4000-4499 reconnect,
 * 4500-4999 never; 1000 (normal), 1008 (refused credentials) and 1009 (client bug) never;
 * everything else (1001, 1006, 1011, 1012, 1013, ...) is a transient failure.
 * @param {number} code
 * @returns {boolean}
 */
export function shouldReconnect(code) {
  if (code >= 4500 && code <= 4999) return false;
  if (code >= 4000 && code <= 4499) return true;
  return ![CloseCode.NORMAL, CloseCode.POLICY_VIOLATION, CloseCode.MESSAGE_TOO_BIG].includes(code);
}

/** @param {number} code @returns {boolean} whether to fetch the token again before the next handshake */
export function needsFreshToken(code) {
  return code === CloseCode.TOKEN_EXPIRED || code === CloseCode.POLICY_VIOLATION;
}
