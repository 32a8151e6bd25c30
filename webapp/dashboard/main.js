/**
 * The live dashboard at `/`: loads the snapshot, then starts the client at the snapshot's
 * seqs (`since`), so every change after the snapshot arrives exactly once, by socket or poll.
 * @module dashboard/main
 */
import { Livehub } from '../js/livehub.js';
import { createApi, explain } from '../ui/api.js';
import { notice, showAnnouncements } from '../ui/banner.js';
import { $ } from '../ui/dom.js';
import { ConnectionPill } from '../ui/pill.js';
import { channelsFromQuery, takeToken } from '../ui/session.js';
import { RateChart } from './chart.js';
import { metricCards } from './metrics.js';
import { failureNotifier, newlyFailed } from './notify.js';
import { sendForm } from './send.js';
import { EventTable } from './table.js';

const token = takeToken({ location, history, storage: sessionStorage });
const api = createApi(token);
const channels = channelsFromQuery(location);
const banners = $('#banners');
const showMetrics = metricCards($('#metrics'));
const chart = new RateChart($('#rate-chart'), $('#chart-span'));
const table = new EventTable($('#events-panel'), channels);
const notifyFailure = failureNotifier($('#notify'));
$('#channel-list').textContent = channels.join(', ');
sendForm($('#send-form'), api, channels[0]);

const NEWEST = 50;

/**
 * Fills the page from GET /api/snapshot, and each shown channel's newest events from GET
 * /api/events (the snapshot's newest may all belong to busier channels).
 * @returns {Promise<Record<string, number>|null>} the seq of each shown channel at the snapshot, or null
 */
async function loadSnapshot() {
  try {
    const snapshot = await api.get('/api/snapshot');
    const seqs = Object.fromEntries(channels.map((c) => [c, snapshot.channels?.[c] ?? 0]));
    table.load(snapshot.events.filter((e) => channels.includes(e.channel)));
    showMetrics(snapshot.metrics);
    chart.add(snapshot.metrics.events_per_second);
    const newest = (c) => api.get(`/api/events?${new URLSearchParams({ channel: c, after: Math.max(0, seqs[c] - NEWEST), limit: NEWEST })}`);
    const pages = await Promise.all(channels.filter((c) => seqs[c] > 0).map((c) => newest(c).catch(() => null)));
    for (const page of pages) if (page) table.load(page.events);
    return seqs;
  } catch (error) {
    notice(banners, error.status === 401 || error.status === 403 ? 'critical' : 'warning', `Could not load the snapshot: ${explain(error)}`);
    return null;
  }
}

const since = await loadSnapshot();
const client = new Livehub({ token, channels, since: since ?? undefined });
new ConnectionPill($('#connection'), client);
showAnnouncements(banners, client);

const changed = ({ data }) => {
  const before = table.get(data.id);
  if (newlyFailed(data, before)) notifyFailure(data);
  table.upsert(data);
};
client.on('event_created', changed);
client.on('event_update', changed);
client.on('event_deleted', ({ data }) => table.remove(data.id));
client.on('metrics_update', ({ data }) => {
  showMetrics(data);
  chart.add(data.events_per_second);
});
// history no longer reaches back to where this page stood: read the newest events again
client.on('reset', () => loadSnapshot());
client.on('close', ({ code }) => {
  if (code === 1008) notice(banners, 'critical', 'The server refused the token. Open the page with ?token=… to use another one.');
});
client.connect();
window.livehub = client; // for the console and the end-to-end tests
