// Unit tests of the pages' DOM-free modules: token and channel handling, REST calls, the
// status pill's wording, the event table's model, the chart's scale, formatting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rows, matches } from '../dashboard/rows.js';
import { niceScale } from '../dashboard/chart.js';
import { newlyFailed } from '../dashboard/notify.js';
import { createApi, explain } from '../ui/api.js';
import { ago, bytes, duration } from '../ui/format.js';
import { describe } from '../ui/pill.js';
import { channelsFromQuery, takeToken } from '../ui/session.js';

function page(href) {
  const items = new Map();
  const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v), removeItem: (k) => items.delete(k) };
  const history = { state: null, replaced: null, replaceState(state, title, url) { this.replaced = url; } };
  return { location: { href }, history, storage };
}

test('a token in the address is kept for the tab and removed from the address bar', () => {
  const p = page('http://h/admin/?token=a.b.c&channels=x#top');
  assert.equal(takeToken(p), 'a.b.c');
  assert.equal(p.history.replaced, '/admin/?channels=x#top');
  p.location.href = 'http://h/admin/?channels=x';
  assert.equal(takeToken(p), 'a.b.c', 'a later load of the tab still has it');
});

test('without a token nothing is stored, nothing replaced, and none is sent', async () => {
  const p = page('http://h/');
  assert.equal(takeToken(p), null);
  assert.equal(p.history.replaced, null);
  const calls = [];
  const api = createApi(null, async (url, init) => (calls.push(init), { ok: true, status: 200, text: async () => '{}' }));
  await api.get('/api/snapshot');
  assert.equal(calls[0].headers.Authorization, undefined);
});

test('REST calls carry the bearer token and JSON bodies', async () => {
  const calls = [];
  const api = createApi('t0k', async (url, init) => (calls.push({ url, ...init }), { ok: true, status: 201, text: async () => '{"seq":3}' }));
  assert.deepEqual(await api.post('/api/events', { type: 'x' }), { seq: 3 });
  assert.equal(calls[0].headers.Authorization, 'Bearer t0k');
  assert.equal(calls[0].method, 'POST');
  assert.equal(calls[0].body, '{"type":"x"}');
});

test('a refused call throws with the problem detail and the status', async () => {
  const api = createApi(null, async () => ({ ok: false, status: 400, statusText: 'Bad Request',
    text: async () => '{"status":400,"title":"Bad Request","detail":"field \'type\' is required"}' }));
  await assert.rejects(api.post('/api/events', {}), (e) => e.status === 400 && e.message === "field 'type' is required");
  assert.match(explain(Object.assign(new Error('x'), { status: 401 })), /\?token=/);
});

test('channels come from ?channels=a,b after events, valid names only, once each', () => {
  assert.deepEqual(channelsFromQuery({ href: 'http://h/?channels=orders,events,BAD,tenant-7.x&channels=b' }),
    ['events', 'orders', 'tenant-7.x', 'b']);
});

test('the pill says what the user needs: live, reconnecting with a countdown, polling only when polls work, offline why', () => {
  const now = 1000;
  assert.equal(describe({ state: 'live' }, now).label, 'Live');
  assert.equal(describe({ state: 'reconnecting', nextRetryAt: 3500 }, now).label, 'Reconnecting in 3s');
  assert.equal(describe({ state: 'reconnecting', nextRetryAt: 900 }, now).label, 'Reconnecting…');
  assert.equal(describe({ state: 'polling', pollHealthy: true }, now).key, 'polling');
  assert.equal(describe({ state: 'polling', pollHealthy: false, nextRetryAt: 2000 }, now).label, 'Reconnecting in 1s');
  assert.deepEqual(describe({ state: 'offline', closeCode: 4500 }, now), { key: 'offline', label: 'Offline', detail: 'closed by an administrator' });
});

const event = (id, created, extra = {}) => ({ id, channel: 'c', type: 't', status: 'pending', seq: 1, payload: {},
  created_at: new Date(created).toISOString(), updated_at: new Date(created).toISOString(), ...extra });

test('rows are listed newest first whatever the arrival order, each id once', () => {
  const rows = new Rows(10);
  rows.upsert(event('b', 2000));
  rows.upsert(event('a', 1000));
  rows.upsert(event('c', 3000));
  assert.equal(rows.upsert(event('b', 2000, { status: 'failed', seq: 4 })).change, 'updated');
  assert.deepEqual(rows.all.map((e) => e.id), ['c', 'b', 'a']);
  assert.equal(rows.get('b').status, 'failed');
});

test('an older version of a listed event is ignored, a delete removes it, the oldest go beyond the cap', () => {
  const rows = new Rows(2);
  rows.upsert(event('a', 1000, { seq: 5, status: 'delivered' }));
  assert.equal(rows.upsert(event('a', 1000, { seq: 2 })).change, 'stale');
  assert.equal(rows.get('a').status, 'delivered');
  rows.upsert(event('b', 2000));
  assert.deepEqual(rows.upsert(event('c', 3000)).dropped.map((e) => e.id), ['a']);
  assert.ok(rows.remove('b'));
  assert.deepEqual(rows.all.map((e) => e.id), ['c']);
  assert.ok(matches(event('x', 0), { channel: '', status: 'pending' }));
  assert.ok(!matches(event('x', 0), { channel: 'other', status: '' }));
});

test('a failure is notified once, when an event becomes failed', () => {
  assert.ok(newlyFailed({ status: 'failed' }, undefined));
  assert.ok(newlyFailed({ status: 'failed' }, { status: 'pending' }));
  assert.ok(!newlyFailed({ status: 'failed' }, { status: 'failed' }));
  assert.ok(!newlyFailed({ status: 'delivered' }, undefined));
});

test('the chart scale is a round number with round steps', () => {
  assert.deepEqual(niceScale(0), { top: 1, steps: 4 });
  assert.deepEqual(niceScale(33), { top: 50, steps: 5 });
  assert.deepEqual(niceScale(17), { top: 20, steps: 4 });
  assert.deepEqual(niceScale(100), { top: 100, steps: 5 });
});

test('figures read well', () => {
  assert.equal(bytes(512 * 1024 * 1024), '512 MiB');
  assert.equal(duration(3_723_000), '1h 2m');
  assert.equal(duration(5_000), '5s');
  assert.equal(ago(new Date(0).toISOString(), 61_000), '1m 1s ago');
});

test('the chart leaves a stretch without samples blank', async () => {
  const { runs } = await import('../dashboard/chart.js');
  const at = (t) => ({ t, v: 1 });
  assert.deepEqual(runs([at(0), at(2000), at(4000), at(30_000), at(32_000)]).map((r) => r.length), [3, 2]);
});
