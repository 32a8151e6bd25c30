import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cursor, RecentIds } from '../js/live/cursor.js';

test('accepts a higher seq and drops one at or below the last', () => {
  const cursor = new Cursor();
  assert.equal(cursor.accept('events', 5).accept, true);
  assert.equal(cursor.accept('events', 5).accept, false);
  assert.equal(cursor.accept('events', 3).accept, false);
  assert.equal(cursor.accept('events', 6).accept, true);
  assert.equal(cursor.get('events'), 6);
});

test('reports the seqs skipped between two accepted messages', () => {
  const cursor = new Cursor({ events: 2 });
  assert.deepEqual(cursor.accept('events', 3).gap, null);
  assert.deepEqual(cursor.accept('events', 7).gap, { channel: 'events', from: 4, to: 6 });
});

test('channels are independent and a first seq is never a gap', () => {
  const cursor = new Cursor({ orders: 10 });
  assert.deepEqual(cursor.accept('events', 42), { accept: true, gap: null });
  assert.equal(cursor.accept('orders', 10).accept, false);
  assert.equal(cursor.get('events'), 42);
  assert.equal(cursor.get('unknown'), null);
});

test('a message without a numeric seq passes and leaves the cursor alone', () => {
  const cursor = new Cursor({ events: 4 });
  assert.equal(cursor.accept('events', undefined).accept, true);
  assert.equal(cursor.get('events'), 4);
});

test('recent ids forget the oldest beyond their bound', () => {
  const ids = new RecentIds(2);
  ids.add('a');
  ids.add('b');
  ids.add('a'); // refreshed: now b is the oldest
  ids.add('c');
  assert.deepEqual(['a', 'b', 'c'].map((id) => ids.has(id)), [true, false, true]);
});
