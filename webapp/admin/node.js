/**
 * Node and JVM figures from GET /api/admin/stats, and the live metrics cards.
 * @module admin/node
 */
import { $, setText } from '../ui/dom.js';
import { bytes, count, duration, rate, stamp } from '../ui/format.js';

/** @param {HTMLElement} root holds `[data-fact=name]` elements and the `.meter` of the heap */
export function nodeFacts(root) {
  const fact = (name) => $(`[data-fact="${name}"]`, root);
  const meter = $('.meter', root);
  return (node) => {
    setText(fact('jvm'), node.jvm, node.jvm);
    setText(fact('started_at'), stamp(node.started_at));
    setText(fact('uptime'), duration(node.uptime_ms));
    const share = node.heap_max_bytes > 0 ? node.heap_used_bytes / node.heap_max_bytes : 0;
    setText(fact('heap'), `${bytes(node.heap_used_bytes)} of ${bytes(node.heap_max_bytes)} (${Math.round(share * 100)}%)`);
    meter.firstElementChild.style.width = `${Math.min(100, share * 100).toFixed(1)}%`;
    meter.dataset.level = share > 0.9 ? 'critical' : share > 0.7 ? 'high' : 'ok';
    setText(fact('threads'), count(node.threads));
    setText(fact('cpus'), `${count(node.cpus)} · load ${node.system_load >= 0 ? node.system_load.toFixed(2) : 'n/a'}`);
  };
}

/** @param {HTMLElement} root holds `[data-metric=name] .card-value` */
export function liveCards(root) {
  const value = (name) => $(`[data-metric="${name}"] .card-value`, root);
  const names = ['connections', 'subscriptions', 'messages_sent', 'messages_dropped', 'events_per_second', 'total_events'];
  const cells = Object.fromEntries(names.map((n) => [n, value(n)]));
  return (m) => {
    for (const n of names) setText(cells[n], n === 'events_per_second' ? rate(m[n]) : count(m[n]));
    cells.messages_dropped.parentElement.classList.toggle('alert', m.messages_dropped > 0);
  };
}
