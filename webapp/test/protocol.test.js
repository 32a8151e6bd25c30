import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloseCode, ErrorCode, needsFreshToken, shouldReconnect } from '../js/live/protocol.js';

test('4000-4499 reconnect, whatever the code', () => {
  for (const code of [4000, 4401, 4408, 4450, 4499]) assert.equal(shouldReconnect(code), true, code);
});

test('4500-4999 never reconnect on their own', () => {
  for (const code of [4500, 4501, 4700, 4999]) assert.equal(shouldReconnect(code), false, code);
});

test('normal close, refused credentials and a too big frame do not reconnect', () => {
  for (const code of [1000, 1008, 1009]) assert.equal(shouldReconnect(code), false, code);
});

test('server trouble and lost links reconnect', () => {
  for (const code of [1001, 1006, 1011, 1012, 1013]) assert.equal(shouldReconnect(code), true, code);
});

test('an expired or refused token is fetched again', () => {
  assert.deepEqual([4401, 1008, 4408, 1006].map(needsFreshToken), [true, true, false, false]);
});

test('constants mirror PROTOCOL.md', () => {
  assert.deepEqual([CloseCode.TOKEN_EXPIRED, CloseCode.SLOW_CONSUMER, CloseCode.CLOSED_BY_ADMIN], [4401, 4408, 4500]);
  assert.deepEqual(Object.values(ErrorCode).sort(), ['bad_json', 'forbidden', 'invalid', 'rate_limited', 'too_big', 'unknown_type']);
});
