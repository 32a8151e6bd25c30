/**
 * The channels table of the admin console: subscribers, latest seq, events per second.
 * @module admin/channels
 */
import { h, setText } from '../ui/dom.js';
import { count, rate } from '../ui/format.js';
import { keyedRows } from '../ui/keyed.js';

/** @param {HTMLTableSectionElement} body @returns {(channels: object[]) => void} */
export function channelsTable(body) {
  const show = keyedRows(body, {
    key: (c) => c.name,
    columns: 4,
    empty: 'No channels yet.',
    create: (c) => h('tr', { dataset: { channel: c.name } }, h('td', null, h('span.chip', { text: c.name })), h('td.num'), h('td.num'), h('td.num')),
    update: (tr, c) => {
      const [, subscribers, seq, perSecond] = tr.cells;
      setText(subscribers, count(c.subscribers));
      setText(seq, count(c.latest_seq));
      setText(perSecond, rate(c.events_per_second));
    },
  });
  return (channels) => show([...channels].sort((a, b) => a.name.localeCompare(b.name)));
}
