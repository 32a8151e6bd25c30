import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../js/live/backoff.js';

test('random 0 gives no delay at every attempt', () => {
  for (let attempt = 0; attempt < 12; attempt++) assert.equal(backoffDelay(attempt, { random: () => 0 }), 0);
});

test('random 1 gives the window top, doubling from base up to the cap', () => {
  const tops = [0, 1, 2, 3, 4, 5, 6, 50].map((attempt) => backoffDelay(attempt, { base: 500, cap: 20000, random: () => 1 }));
  assert.deepEqual(tops, [500, 1000, 2000, 4000, 8000, 16000, 20000, 20000]);
});

test('full jitter spreads delays over the whole window', () => {
  const values = [0.1, 0.25, 0.5, 0.75, 0.999];
  const delays = values.map((r) => backoffDelay(3, { base: 500, cap: 20000, random: () => r }));
  assert.deepEqual(delays, [400, 1000, 2000, 3000, 3996]);
});

test('defaults are base 500 ms and cap 20 s', () => {
  assert.equal(backoffDelay(0, { random: () => 1 }), 500);
  assert.equal(backoffDelay(10, { random: () => 1 }), 20000);
});
