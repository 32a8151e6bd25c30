import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Emitter } from '../js/live/emitter.js';

test('on returns a function that removes the listener', () => {
  const emitter = new Emitter();
  const got = [];
  const off = emitter.on('x', (v) => got.push(v));
  emitter.emit('x', 1);
  off();
  emitter.emit('x', 2);
  assert.deepEqual(got, [1]);
});

test('a listener that throws does not stop the others', (t) => {
  const report = t.mock.method(console, 'error', () => {});
  const emitter = new Emitter();
  const got = [];
  emitter.on('x', () => { throw new Error('page bug'); });
  emitter.on('x', (v) => got.push(v));
  emitter.emit('x', 7);
  assert.deepEqual(got, [7]);
  assert.equal(report.mock.callCount(), 1);
});
