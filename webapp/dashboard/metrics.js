/**
 * The metric cards of the dashboard, filled from `metrics_update` (or a snapshot's metrics).
 * @module dashboard/metrics
 */
import { $, setText } from '../ui/dom.js';
import { count, rate } from '../ui/format.js';

/** @returns {string} e.g. `12% of all events`; `<1%` rather than a misleading 0% */
function share(part, total) {
  if (!(total > 0)) return '';
  const percent = (part / total) * 100;
  return `${part > 0 && percent < 1 ? '<1' : Math.round(percent)}% of all events`;
}

/** @param {HTMLElement} root holds `[data-metric=name]` cards with `.card-value` and `.card-sub` */
export function metricCards(root) {
  const card = (name) => {
    const el = $(`[data-metric="${name}"]`, root);
    return { value: $('.card-value', el), sub: $('.card-sub', el) };
  };
  const cards = Object.fromEntries(['total_events', 'pending_events', 'delivered_events', 'failed_events',
    'events_per_second', 'connections'].map((name) => [name, card(name)]));

  /** @param {object} m the metrics object */
  return function show(m) {
    const total = m.total_events;
    for (const name of ['total_events', 'pending_events', 'delivered_events', 'failed_events', 'connections']) {
      setText(cards[name].value, count(m[name]));
    }
    setText(cards.events_per_second.value, rate(m.events_per_second));
    setText(cards.total_events.sub, 'stored, all channels');
    setText(cards.pending_events.sub, share(m.pending_events, total));
    setText(cards.delivered_events.sub, share(m.delivered_events, total));
    setText(cards.failed_events.sub, share(m.failed_events, total));
    setText(cards.events_per_second.sub, 'writes/s, all channels');
    setText(cards.connections.sub, `${count(m.subscriptions)} subscriptions`);
    cards.failed_events.value.parentElement.classList.toggle('alert', m.failed_events > 0);
  };
}
