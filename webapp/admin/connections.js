/**
 * The connections table of the admin console, with a Close button per row
 * (DELETE /api/admin/connections/{id}: the server closes it with 4500). A connection with
 * subscriptions that are fed what waits for them as the client reads (it resumed, or it lags)
 * says "catching up" beside its queue.
 * @module admin/connections
 */
import { explain } from '../ui/api.js';
import { h, setText } from '../ui/dom.js';
import { ago, count, stamp } from '../ui/format.js';
import { keyedRows } from '../ui/keyed.js';

/**
 * @param {HTMLTableSectionElement} body
 * @param {ReturnType<import('../ui/api.js').createApi>} api
 * @param {{closed: () => void, failed: (message: string) => void}} on
 * @returns {(connections: object[]) => void}
 */
export function connectionsTable(body, api, on) {
  async function close(button, id) {
    button.disabled = true;
    setText(button, 'Closing…');
    try {
      await api.del(`/api/admin/connections/${encodeURIComponent(id)}`);
      on.closed();
    } catch (error) {
      on.failed(`Could not close ${id.slice(0, 8)}: ${explain(error)}`);
      button.disabled = false;
      setText(button, 'Close');
    }
  }
  return keyedRows(body, {
    key: (c) => c.id,
    columns: 8,
    empty: 'No open connections.',
    create: (c) => {
      const button = h('button.btn.btn-small.btn-danger', { type: 'button', class: 'close-connection' }, 'Close');
      button.addEventListener('click', () => close(button, c.id));
      const queue = h('td.num', null, h('span.catching-up', { hidden: true, text: 'catching up' }), h('span'));
      return h('tr', { dataset: { id: c.id } }, h('td.mono'), h('td'), h('td.mono'), h('td'), queue, h('td.num'),
        h('td.muted'), h('td.num', null, button));
    },
    update: (tr, c) => {
      const [id, user, remote, channels, queue, sent, since] = tr.cells;
      tr.dataset.channels = c.channels.join(',');
      setText(id, c.id.slice(0, 8), c.id);
      setText(user, c.user ?? '—', c.user ? '' : 'anonymous (no token)');
      setText(remote, c.remote_address ?? '—');
      if (channels.dataset.list !== tr.dataset.channels) {
        channels.dataset.list = tr.dataset.channels;
        channels.replaceChildren(...(c.channels.length ? c.channels.map((name) => h('span.chip', { text: name })) : [h('span.muted', { text: 'none' })]));
      }
      const [behind, depth] = queue.children;
      const catchingUp = c.catching_up ?? 0;
      behind.hidden = catchingUp === 0;
      setText(behind, 'catching up', `${count(catchingUp)} of its subscriptions ${catchingUp === 1 ? 'is' : 'are'} sent `
        + 'what waits for them as the client reads (it resumed, or it lags); the server closes it only if it stops reading');
      setText(depth, count(c.queue_depth));
      setText(sent, count(c.messages_sent));
      setText(since, ago(c.connected_at), stamp(c.connected_at));
    },
  });
}
