import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Livehub } from '../js/livehub.js';
import { FakeClock, fakeFetch, fakeWebSockets, harness, settle } from './fakes.js';

/** Opens the current socket and confirms the subscription of `events` at `seq`. */
function goLive(h, seq = 0, extra = {}) {
  h.ws.last.serverOpen();
  h.ws.last.serverSend({ type: 'subscribed', channel: 'events', seq, ...extra });
}

const created = (seq, id = `ev-${seq}`) => ({ type: 'event_created', channel: 'events', seq, data: { id } });

test('connects to /ws on the page host with the token in the query and the livehub.v1 subprotocol', () => {
  const h = harness({ url: undefined, location: { href: 'https://hub.example/dashboard/' } });
  h.client.connect();
  assert.equal(h.ws.last.url.href, 'wss://hub.example/ws?token=tok');
  assert.equal(h.ws.last.protocols, 'livehub.v1');
});

test('leaves the token out of the URL when there is none', () => {
  const h = harness({ token: null });
  h.client.connect();
  assert.equal(h.ws.last.url.searchParams.has('token'), false);
});

test('goes connecting then live and subscribes every channel, without since the first time', () => {
  const h = harness({ channels: ['events', 'orders'] });
  h.client.connect();
  assert.equal(h.client.state, 'connecting');
  h.ws.last.serverOpen();
  assert.equal(h.client.state, 'live');
  assert.deepEqual(h.ws.last.sent, [{ type: 'subscribe', channel: 'events' }, { type: 'subscribe', channel: 'orders' }]);
  assert.deepEqual(h.events('state').map((s) => s.state), ['connecting', 'live']);
});

test('4408 reconnects after the backoff and resubscribes with since = last seq', () => {
  const h = harness();
  h.client.connect();
  goLive(h, 40);
  h.ws.last.serverSend(created(41));
  h.ws.last.serverClose(4408, 'slow consumer');
  assert.equal(h.client.state, 'reconnecting');
  assert.equal(h.client.nextRetryAt, h.clock.now + 500);
  assert.deepEqual(h.events('state').at(-1), { on: 'state', state: 'reconnecting', nextRetryAt: h.clock.now + 500, attempt: 1, closeCode: 4408 });
  h.clock.advance(499);
  assert.equal(h.ws.sockets.length, 1);
  h.clock.advance(1);
  assert.equal(h.ws.sockets.length, 2);
  assert.equal(h.client.state, 'connecting');
  assert.equal(h.client.nextRetryAt, null);
  h.ws.last.serverOpen();
  assert.deepEqual(h.ws.last.sent, [{ type: 'subscribe', channel: 'events', since: 41 }]);
});

test('1012 and 1013 reconnect too', () => {
  for (const code of [1012, 1013]) {
    const h = harness();
    h.client.connect();
    goLive(h);
    h.ws.last.serverClose(code);
    h.clock.advance(500);
    assert.equal(h.ws.sockets.length, 2, `after ${code}`);
  }
});

test('4500 goes offline and never reconnects on its own; retry() does', () => {
  const h = harness();
  h.client.connect();
  goLive(h, 3);
  h.ws.last.serverClose(4500, 'closed by an administrator');
  assert.equal(h.client.state, 'offline');
  assert.equal(h.client.nextRetryAt, null);
  assert.equal(h.events('state').at(-1).closeCode, 4500);
  h.clock.advance(10 * 60_000);
  assert.equal(h.ws.sockets.length, 1);
  h.client.retry();
  assert.equal(h.ws.sockets.length, 2);
  h.ws.last.serverOpen();
  assert.deepEqual(h.ws.last.sent, [{ type: 'subscribe', channel: 'events', since: 3 }]);
});

test('1008 with a fixed token goes offline without retrying', () => {
  const h = harness({ token: 'bad' });
  h.client.connect();
  h.ws.last.serverClose(1008, 'bad token');
  assert.equal(h.client.state, 'offline');
  h.clock.advance(60_000);
  assert.equal(h.ws.sockets.length, 1);
});

test('1008 with a token function tries once with a fresh token, then gives up', async () => {
  let calls = 0;
  const h = harness({ token: async () => `t${++calls}` });
  h.client.connect();
  await settle();
  h.ws.last.serverClose(1008);
  assert.equal(h.client.state, 'reconnecting');
  h.clock.advance(500);
  await settle();
  assert.equal(h.ws.last.url.searchParams.get('token'), 't2');
  h.ws.last.serverClose(1008);
  assert.equal(h.client.state, 'offline');
  assert.equal(calls, 2);
});

test('4401 fetches a fresh token before reconnecting, and resumes', async () => {
  const tokens = ['first', 'second'];
  const h = harness({ token: async () => tokens.shift() });
  h.client.connect();
  await settle();
  assert.equal(h.ws.last.url.searchParams.get('token'), 'first');
  goLive(h, 9);
  h.ws.last.serverClose(4401, 'token expired');
  h.clock.advance(500);
  assert.equal(h.ws.sockets.length, 1, 'no socket before the token is in hand');
  await settle();
  assert.equal(h.ws.sockets.length, 2);
  assert.equal(h.ws.last.url.searchParams.get('token'), 'second');
  h.ws.last.serverOpen();
  assert.deepEqual(h.ws.last.sent, [{ type: 'subscribe', channel: 'events', since: 9 }]);
});

test('drops event messages at or below the last seq, so the page sees each once', () => {
  const h = harness();
  h.client.connect();
  goLive(h, 10);
  for (const seq of [10, 11, 11, 9, 12]) h.ws.last.serverSend(created(seq));
  assert.deepEqual(h.events('event_created').map((m) => m.seq), [11, 12]);
  assert.equal(h.client.lastSeq('events'), 12);
});

test('recovered:false emits reset so the page reloads, and moves the cursor to the head', () => {
  const h = harness({ since: { events: 5 } });
  h.client.connect();
  h.ws.last.serverOpen();
  assert.deepEqual(h.ws.last.sent, [{ type: 'subscribe', channel: 'events', since: 5 }]);
  h.ws.last.serverSend({ type: 'subscribed', channel: 'events', seq: 20000, recovered: false });
  assert.deepEqual(h.events('reset').map(({ channel, seq, since }) => ({ channel, seq, since })), [{ channel: 'events', seq: 20000, since: 5 }]);
  assert.equal(h.client.lastSeq('events'), 20000);
});

test('recovered:true emits recovered and keeps the cursor for the replay', () => {
  const h = harness({ since: { events: 5 } });
  h.client.connect();
  h.ws.last.serverOpen();
  h.ws.last.serverSend({ type: 'subscribed', channel: 'events', seq: 7, recovered: true });
  h.ws.last.serverSend(created(6));
  h.ws.last.serverSend(created(7));
  assert.equal(h.events('recovered').length, 1);
  assert.deepEqual(h.events('event_created').map((m) => m.seq), [6, 7]);
});

test('a gap in the live stream is reported', () => {
  const h = harness();
  h.client.connect();
  goLive(h, 1);
  h.ws.last.serverSend(created(4));
  assert.deepEqual(h.events('gap').map(({ from, to }) => [from, to]), [[2, 3]]);
});

test('no pong within the timeout closes the socket and reconnects', () => {
  const h = harness();
  h.client.connect();
  goLive(h);
  h.clock.advance(20_000);
  assert.deepEqual(h.ws.last.sent.at(-1), { type: 'ping' });
  h.clock.advance(9_999);
  assert.equal(h.client.state, 'live');
  h.clock.advance(1);
  assert.equal(h.ws.sockets[0].closedWith !== null, true);
  assert.equal(h.client.state, 'reconnecting');
  h.clock.advance(500);
  assert.equal(h.ws.sockets.length, 2);
});

test('a pong keeps the link', () => {
  const h = harness();
  h.client.connect();
  goLive(h);
  for (let i = 0; i < 5; i++) {
    h.clock.advance(20_000);
    h.ws.last.serverSend({ type: 'pong' });
  }
  assert.equal(h.client.state, 'live');
  assert.equal(h.ws.sockets.length, 1);
});

test('a handshake that does not open within the connect timeout counts as a failure', () => {
  const h = harness();
  h.client.connect();
  h.clock.advance(5_000);
  assert.deepEqual(h.ws.sockets[0].closedWith, { code: undefined });
  assert.equal(h.client.state, 'reconnecting');
  assert.equal(h.events('close')[0].reason, 'connect timeout');
});

test('attempts reset only after the connection stayed up for the minimum uptime', () => {
  const h = harness();
  const delays = [];
  h.client.on('state', (s) => s.state === 'reconnecting' && delays.push(s.nextRetryAt - h.clock.now));
  h.client.connect();
  for (let i = 0; i < 3; i++) { // flapping: opens, dies a second later
    h.ws.last.serverOpen();
    h.clock.advance(1_000);
    h.ws.last.serverClose(1006);
    h.clock.advance(h.client.nextRetryAt - h.clock.now);
  }
  h.ws.last.serverOpen();
  h.clock.advance(5_000);
  h.ws.last.serverClose(1006);
  assert.deepEqual(delays, [500, 1000, 2000, 500]);
});

test('while hidden no ping is sent; back to visible it pings at once', () => {
  const h = harness();
  h.client.connect();
  goLive(h);
  h.document.setHidden(true);
  h.clock.advance(120_000);
  assert.equal(h.ws.last.sent.some((m) => m.type === 'ping'), false);
  assert.equal(h.client.state, 'live');
  h.document.setHidden(false);
  assert.deepEqual(h.ws.last.sent.at(-1), { type: 'ping' });
  h.clock.advance(10_000);
  assert.equal(h.client.state, 'reconnecting', 'the watchdog runs for that ping');
});

test('back to visible while waiting to reconnect, it reconnects now', () => {
  const h = harness({ random: () => 0.9 });
  h.client.connect();
  goLive(h);
  h.ws.last.serverClose(1006);
  h.document.setHidden(true);
  h.document.setHidden(false);
  assert.equal(h.ws.sockets.length, 2);
  assert.equal(h.client.state, 'connecting');
  h.clock.advance(4_999);
  assert.equal(h.ws.sockets.length, 2, 'the retry timer that was waiting is gone');
});

test('snapshot() asks over the socket and resolves with the reply carrying its id', async () => {
  const h = harness();
  h.client.connect();
  goLive(h);
  const reply = h.client.snapshot();
  const request = h.ws.last.sent.at(-1);
  assert.equal(request.type, 'snapshot');
  h.ws.last.serverSend({ type: 'snapshot', id: request.id, data: { latest: { events: 3 } } });
  assert.deepEqual((await reply).data, { latest: { events: 3 } });
});

test('snapshot() reads GET /api/snapshot when the socket is not up', async () => {
  const { fetch, calls } = fakeFetch(() => ({ latest: {} }));
  const h = harness({ fetch });
  assert.deepEqual(await h.client.snapshot(), { type: 'snapshot', data: { latest: {} } });
  assert.equal(calls[0].url.href, 'https://hub.example/api/snapshot');
  assert.equal(calls[0].headers.Authorization, 'Bearer tok');
});

test('subscribe and unsubscribe while live send their messages', () => {
  const h = harness();
  h.client.connect();
  goLive(h);
  h.client.subscribe('orders').unsubscribe('events');
  assert.deepEqual(h.ws.last.sent.slice(1), [{ type: 'subscribe', channel: 'orders' }, { type: 'unsubscribe', channel: 'events' }]);
  assert.deepEqual(h.client.channels, ['orders']);
});

test('close() closes with 1000, goes offline and schedules nothing', () => {
  const h = harness();
  h.client.connect();
  goLive(h);
  h.client.close();
  assert.deepEqual(h.ws.last.closedWith, { code: 1000 });
  assert.equal(h.client.state, 'offline');
  assert.equal(h.clock.pending, 0);
});

test('runs outside a page: with a url, no document or location is needed', () => {
  const clock = new FakeClock();
  const { WebSocket, sockets } = fakeWebSockets();
  const client = new Livehub({ url: 'ws://h/ws', WebSocket, ...clock.options() });
  client.connect();
  assert.equal(sockets.length, 1);
  client.close();
});

test('1000 and 1009 from the server go offline', () => {
  for (const code of [1000, 1009]) {
    const h = harness();
    h.client.connect();
    goLive(h);
    h.ws.last.serverClose(code);
    h.clock.advance(60_000);
    assert.deepEqual([h.client.state, h.ws.sockets.length], ['offline', 1], `after ${code}`);
  }
});

test('retry() while waiting for the backoff reconnects now', () => {
  const h = harness({ random: () => 0.5 });
  h.client.connect();
  goLive(h);
  h.ws.last.serverClose(1012);
  assert.equal(h.client.nextRetryAt, h.clock.now + 250);
  h.client.retry();
  assert.deepEqual([h.ws.sockets.length, h.client.state, h.client.nextRetryAt], [2, 'connecting', null]);
  h.client.retry();
  assert.equal(h.ws.sockets.length, 2, 'no second socket while one is connecting');
});

test('an error before open fails the handshake at once; after open the close code decides', () => {
  const h = harness();
  h.client.connect();
  h.ws.last.serverError(); // some runtimes send no close event after a refused handshake
  assert.equal(h.client.state, 'reconnecting');
  h.clock.advance(1_000);
  goLive(h);
  h.ws.last.serverError();
  assert.equal(h.client.state, 'live');
  h.ws.last.serverClose(4500);
  assert.equal(h.client.state, 'offline');
});
