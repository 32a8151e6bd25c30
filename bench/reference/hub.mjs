// The benchmark's point of comparison (issue 6): the in-memory Node.js hub a team writes by hand
// instead of Livehub, on the `ws` library. One process, no persistence, no authentication, no
// resume. It speaks the part of Livehub's protocol that bench/run.sh uses, so that the same
// generator measures both on the same machine:
//   POST /api/events (one event) and /api/events/batch (an array): 201 with the event(s), seq per channel
//   GET  /api/metrics: 200 (the generator waits for it at start)
//   GET  /bench/heap: collects garbage (node --expose-gc) and answers the heap in use, in bytes
//   /ws?channels=a,b (subprotocol livehub.v1) and {"type":"subscribe","channel":...}: answers `subscribed`,
//   then every event of the channel as `event_created`, serialized once per event, as Livehub does.
// Started by io.livehub.bench.Benchmark (`bench/run.sh --stores=node-ws`): node --expose-gc hub.mjs PORT
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 8090);
const channels = new Map(); // name -> { seq, subscribers: Set<WebSocket> }

function channel(name) {
  let c = channels.get(name);
  if (!c) {
    c = { seq: 0, subscribers: new Set() };
    channels.set(name, c);
  }
  return c;
}

function publish(input) {
  const c = channel(input.channel);
  const now = new Date().toISOString();
  const event = {
    id: randomUUID(), channel: input.channel, type: input.type ?? 'event', status: input.status ?? 'pending',
    payload: input.payload ?? {}, seq: ++c.seq, created_at: now, updated_at: now,
  };
  const frame = Buffer.from(JSON.stringify(
    { type: 'event_created', channel: event.channel, seq: event.seq, data: event, timestamp: now }));
  for (const ws of c.subscribers) {
    ws.send(frame, { binary: false });
  }
  return event;
}

function valid(input) {
  return input !== null && typeof input === 'object' && typeof input.channel === 'string' && input.channel !== '';
}

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && path === '/api/metrics') {
    let subscriptions = 0;
    for (const c of channels.values()) subscriptions += c.subscribers.size;
    return answer(res, 200, { channels: channels.size, subscriptions });
  }
  if (req.method === 'GET' && path === '/bench/heap') {
    global.gc?.();
    return answer(res, 200, { heap_used: process.memoryUsage().heapUsed });
  }
  if (req.method !== 'POST' || (path !== '/api/events' && path !== '/api/events/batch')) {
    return answer(res, 404, { title: 'Not Found' });
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let input;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return answer(res, 400, { title: 'Bad Request', detail: 'not JSON' });
    }
    if (path === '/api/events' ? !valid(input) : !Array.isArray(input) || !input.every(valid)) {
      return answer(res, 400, { title: 'Bad Request', detail: 'an event needs a channel' });
    }
    answer(res, 201, path === '/api/events' ? publish(input) : input.map(publish));
  });
});

const sockets = new WebSocketServer({
  noServer: true, perMessageDeflate: false, clientTracking: false,
  handleProtocols: (protocols) => (protocols.has('livehub.v1') ? 'livehub.v1' : false),
});

function subscribe(ws, name, subscribed) {
  if (subscribed.has(name)) return;
  subscribed.add(name);
  const c = channel(name);
  c.subscribers.add(ws);
  ws.send(JSON.stringify({ type: 'subscribed', channel: name, seq: c.seq }));
}

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname !== '/ws') {
    socket.destroy();
    return;
  }
  sockets.handleUpgrade(req, socket, head, (ws) => {
    const subscribed = new Set();
    ws.on('close', () => subscribed.forEach((name) => channels.get(name)?.subscribers.delete(ws)));
    ws.on('error', () => {});
    ws.on('message', (data) => {
      let m;
      try {
        m = JSON.parse(data.toString('utf8'));
      } catch {
        return ws.send(JSON.stringify({ type: 'error', code: 'invalid', message: 'not JSON' }));
      }
      if (m?.type === 'subscribe' && typeof m.channel === 'string') subscribe(ws, m.channel, subscribed);
      else if (m?.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
    });
    for (const name of (url.searchParams.get('channels') ?? '').split(',').filter(Boolean)) {
      subscribe(ws, name, subscribed);
    }
  });
});

server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(`reference hub (node ${process.version}, ws) on http://127.0.0.1:${port}/`));
process.on('SIGTERM', () => process.exit(0));
