/**
 * The admin console at `/admin/`: the REST views (stats, connections, channels) refreshed
 * every 2 s, one refresh at a time, and the live metrics from its own connection.
 * @module admin/main
 */
import { Livehub } from '../js/livehub.js';
import { createApi, explain } from '../ui/api.js';
import { notice, showAnnouncements } from '../ui/banner.js';
import { $, setText } from '../ui/dom.js';
import { ConnectionPill } from '../ui/pill.js';
import { takeToken } from '../ui/session.js';
import { announceForm } from './announce.js';
import { channelsTable } from './channels.js';
import { connectionsTable } from './connections.js';
import { liveCards, nodeFacts } from './node.js';

const REFRESH_MS = 2000;

const token = takeToken({ location, history, storage: sessionStorage });
const api = createApi(token);
const banners = $('#banners');
const updated = $('#updated');
const showCards = liveCards($('#metrics'));
const showNode = nodeFacts($('#node'));
const showChannels = channelsTable($('#channels tbody'));
const showConnections = connectionsTable($('#connections tbody'), api, {
  closed: () => refresh(),
  failed: (message) => notice(banners, 'warning', message),
});
announceForm($('#announce-form'), api);

let timer = null;
let inFlight = null;
let again = false;
let failure = null;

/** Reloads the REST views now, or right after the reload in flight; one at a time, then every 2 s. */
function refresh() {
  clearTimeout(timer);
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = load().finally(() => {
    inFlight = null;
    timer = setTimeout(refresh, again ? 0 : REFRESH_MS);
    again = false;
  });
}

async function load() {
  try {
    const [stats, connections, channels] = await Promise.all(
      ['/api/admin/stats', '/api/admin/connections', '/api/admin/channels'].map((path) => api.get(path)));
    showNode(stats.node);
    showCards(stats.metrics);
    showConnections(connections.connections);
    showChannels(channels.channels);
    setText($('#connection-count'), String(connections.connections.length));
    setText(updated, `updated ${new Date().toLocaleTimeString()}`);
    failure?.remove();
    failure = null;
  } catch (error) {
    setText(updated, 'not updated');
    if (!failure?.isConnected) failure = notice(banners, 'warning', `The admin API did not answer: ${explain(error)}`);
  }
}
refresh();

// its own connection, for the live metrics and the announcements; it subscribes to no channel
const client = new Livehub({ token, channels: [] });
new ConnectionPill($('#connection'), client);
showAnnouncements(banners, client);
client.on('metrics_update', ({ data }) => showCards(data));
client.on('state', ({ state }) => state === 'live' && refresh()); // list this console's own connection at once
client.connect();
window.livehub = client;
