import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeFetch, harness, settle, storedEvent } from './fakes.js';

const METRICS = { total_events: 9, connections: 1 };

/** A REST server holding `events`; GET /api/events answers like the real one, `next` when a page is full. */
function restServer(events, { limit } = {}) {
  return fakeFetch((url) => {
    if (url.pathname === '/api/metrics') return METRICS;
    if (url.pathname !== '/api/events') return { status: 404, body: {} };
    const after = Number(url.searchParams.get('after'));
    const size = limit ?? Number(url.searchParams.get('limit'));
    const page = events.filter((e) => e.seq > after).slice(0, size);
    const more = events.some((e) => e.seq > (page.at(-1)?.seq ?? after));
    return { events: page, next: more ? page.at(-1).seq : null };
  });
}

/** Fails `n` handshakes in a row: each socket closes with 1006 before it opens. */
function failHandshakes(h, n) {
  for (let i = 0; i < n; i++) {
    h.ws.last.serverClose(1006);
    if (i < n - 1) h.clock.advance(h.client.nextRetryAt - h.clock.now);
  }
}

test('after three failed handshakes it polls from the cursor, deduped, then goes back to the socket with the same cursor', async () => {
  const server = restServer([5, 6, 7].map((seq) => storedEvent(seq)));
  const h = harness({ fetch: server.fetch });
  h.client.connect();
  h.ws.last.serverOpen();
  h.ws.last.serverSend({ type: 'subscribed', channel: 'events', seq: 4 });
  h.ws.last.serverSend({ type: 'event_created', channel: 'events', seq: 5, data: storedEvent(5) });
  h.ws.last.serverClose(1006);
  h.clock.advance(500);

  failHandshakes(h, 2);
  assert.equal(h.client.state, 'reconnecting', 'a socket that had opened does not count');
  h.clock.advance(h.client.nextRetryAt - h.clock.now);
  failHandshakes(h, 1);
  assert.equal(h.client.state, 'polling');
  assert.equal(typeof h.client.nextRetryAt, 'number', 'the socket is still tried in the background');
  await settle();

  const poll = server.calls[0];
  assert.deepEqual(Object.fromEntries(poll.url.searchParams), { channel: 'events', after: '5', limit: '1000' });
  assert.equal(poll.headers.Authorization, 'Bearer tok');
  assert.deepEqual(h.events('event_created').map((m) => m.seq), [5, 6, 7]);
  assert.deepEqual(h.events('event_created').at(-1), { on: 'message', type: 'event_created', channel: 'events', seq: 7, data: storedEvent(7) });
  assert.deepEqual(h.events('metrics_update').map((m) => m.data), [METRICS]);

  h.clock.advance(h.client.nextRetryAt - h.clock.now);
  h.ws.last.serverOpen();
  assert.equal(h.client.state, 'live');
  assert.deepEqual(h.ws.last.sent, [{ type: 'subscribe', channel: 'events', since: 7 }]);
  const polls = server.calls.length;
  h.clock.advance(10_000);
  await settle();
  assert.equal(server.calls.length, polls, 'polling stopped');

  const states = h.events('state').map((s) => `${s.state}${s.nextRetryAt === null ? '' : '+retry'}`);
  assert.deepEqual(states, ['connecting', 'live', 'reconnecting+retry', 'connecting', 'reconnecting+retry', 'connecting',
    'reconnecting+retry', 'connecting', 'polling+retry', 'polling', 'live']);

  h.ws.last.serverSend({ type: 'subscribed', channel: 'events', seq: 8, recovered: true });
  h.ws.last.serverSend({ type: 'event_created', channel: 'events', seq: 7, data: storedEvent(7) });
  h.ws.last.serverSend({ type: 'event_created', channel: 'events', seq: 8, data: storedEvent(8) });
  assert.deepEqual(h.events('event_created').map((m) => m.seq), [5, 6, 7, 8]);
});

test('polls every pollInterval from the advanced cursor', async () => {
  const events = [storedEvent(1)];
  const server = restServer(events);
  const h = harness({ WebSocket: null, fetch: server.fetch });
  h.client.connect();
  await settle();
  events.push(storedEvent(2));
  h.clock.advance(1_999);
  await settle();
  assert.equal(server.calls.filter((c) => c.url.pathname === '/api/events').length, 1);
  h.clock.advance(1);
  await settle();
  assert.deepEqual(server.calls.filter((c) => c.url.pathname === '/api/events').map((c) => c.url.searchParams.get('after')), ['0', '1']);
  assert.deepEqual(h.events('event_created').map((m) => m.seq), [1, 2]);
});

test('keeps paging while next is not null', async () => {
  const server = restServer([1, 2, 3, 4, 5].map((seq) => storedEvent(seq)), { limit: 2 });
  const h = harness({ WebSocket: null, fetch: server.fetch });
  h.client.connect();
  await settle();
  const afters = server.calls.filter((c) => c.url.pathname === '/api/events').map((c) => c.url.searchParams.get('after'));
  assert.deepEqual(afters, ['0', '2', '4']);
  assert.deepEqual(h.events('event_created').map((m) => m.seq), [1, 2, 3, 4, 5]);
});

test('an event polled again with a higher seq is an update when its id was seen', async () => {
  const events = [storedEvent(1, 'a')];
  const server = restServer(events);
  const h = harness({ WebSocket: null, fetch: server.fetch });
  h.client.connect();
  await settle();
  events[0] = { ...storedEvent(2, 'a'), status: 'delivered' };
  h.clock.advance(2_000);
  await settle();
  assert.deepEqual(h.events('message').filter((m) => m.type.startsWith('event_')).map((m) => [m.type, m.seq]), [['event_created', 1], ['event_update', 2]]);
});

test('without WebSocket it polls at once, with no socket retry scheduled', async () => {
  const server = restServer([]);
  const h = harness({ WebSocket: null, fetch: server.fetch });
  h.client.connect();
  assert.equal(h.client.state, 'polling');
  assert.equal(h.client.nextRetryAt, null);
  await settle();
  assert.deepEqual(server.calls.map((c) => c.url.pathname), ['/api/events', '/api/metrics']);
});

test('a 401 while polling with a fixed token goes offline', async () => {
  const { fetch } = fakeFetch(() => ({ status: 401, body: {} }));
  const h = harness({ WebSocket: null, fetch });
  h.client.connect();
  await settle();
  assert.equal(h.client.state, 'offline');
  assert.equal(h.clock.pending, 0);
});

test('a failed poll is reported and the next one still comes', async () => {
  let down = true;
  const server = restServer([storedEvent(1)]);
  const fetch = (url, init) => (down ? Promise.reject(new Error('network down')) : server.fetch(url, init));
  const h = harness({ WebSocket: null, fetch });
  h.client.connect();
  await settle();
  assert.equal(h.events('poll_error')[0].error.message, 'network down');
  down = false;
  h.clock.advance(2_000);
  await settle();
  assert.deepEqual(h.events('event_created').map((m) => m.seq), [1]);
});

test('a poll still in flight when the socket opens delivers nothing', async () => {
  let answer;
  const fetch = (href) => new Promise((resolve) => {
    answer = () => resolve({ ok: true, status: 200, json: async () => ({ events: [storedEvent(1)], next: null }) });
  });
  const h = harness({ fetch, pollAfterFailures: 1 });
  h.client.connect();
  h.ws.last.serverClose(1006);
  await settle();
  assert.equal(h.client.state, 'polling');
  h.clock.advance(h.client.nextRetryAt - h.clock.now);
  h.ws.last.serverOpen();
  answer();
  await settle();
  assert.deepEqual(h.events('event_created'), []);
  assert.deepEqual(h.ws.last.sent, [{ type: 'subscribe', channel: 'events' }]);
});
