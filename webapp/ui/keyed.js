/**
 * A table body kept in step with a list refreshed every few seconds: one row per key,
 * created once, updated in place, removed when its key is gone. Buttons in a row stay the
 * same element between refreshes, so a click is never lost to a redraw.
 * @module ui/keyed
 */
import { h } from './dom.js';

/**
 * @template T
 * @param {HTMLTableSectionElement} body
 * @param {{key: (item: T) => string, create: (item: T) => HTMLTableRowElement,
 *   update: (tr: HTMLTableRowElement, item: T) => void, empty: string, columns: number}} spec
 * @returns {(items: T[]) => void}
 */
export function keyedRows(body, { key, create, update, empty, columns }) {
  /** @type {Map<string, HTMLTableRowElement>} */
  const rows = new Map();
  const placeholder = h('tr.empty', null, h('td', { colspan: columns, text: empty }));
  body.append(placeholder);
  return (items) => {
    const keep = new Set();
    let previous = null;
    for (const item of items) {
      const k = key(item);
      keep.add(k);
      let tr = rows.get(k);
      if (!tr) rows.set(k, (tr = create(item)));
      update(tr, item);
      const expected = previous ? previous.nextSibling : body.firstChild;
      if (tr !== expected) body.insertBefore(tr, expected);
      previous = tr;
    }
    for (const [k, tr] of rows) {
      if (!keep.has(k)) {
        tr.remove();
        rows.delete(k);
      }
    }
    if (items.length) placeholder.remove();
    else body.append(placeholder);
  };
}
