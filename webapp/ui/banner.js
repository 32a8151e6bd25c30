/**
 * Server announcements (`{"type":"announcement","data":{"message","level"}}`) as dismissable
 * banners, newest on top, a few at most.
 * @module ui/banner
 */
import { h } from './dom.js';
import { clock } from './format.js';

const LEVELS = new Set(['info', 'warning', 'critical']);
const KEEP = 3;

/** @param {HTMLElement} host @param {import('../js/livehub.js').Livehub} client */
export function showAnnouncements(host, client) {
  client.on('announcement', ({ data, timestamp }) => {
    const level = LEVELS.has(data?.level) ? data.level : 'info';
    const banner = h(`div.banner.banner-${level}`, { role: level === 'critical' ? 'alert' : 'status', dataset: { level } },
      h('span.banner-level', { text: level }),
      h('span.banner-message', { text: String(data?.message ?? '') }),
      h('span.banner-time', { text: timestamp ? clock(timestamp) : '' }),
      h('button.banner-close', { type: 'button', 'aria-label': 'Dismiss', onclick: () => banner.remove() }, '×'));
    host.prepend(banner);
    while (host.children.length > KEEP) host.lastElementChild.remove();
  });
}

/** A page's own notice (a refused token, an unreachable server) in the same place. @param {HTMLElement} host */
export function notice(host, level, message) {
  const banner = h(`div.banner.banner-${level}`, { role: 'status' },
    h('span.banner-level', { text: level }), h('span.banner-message', { text: message }),
    h('button.banner-close', { type: 'button', 'aria-label': 'Dismiss', onclick: () => banner.remove() }, '×'));
  host.prepend(banner);
  return banner;
}
