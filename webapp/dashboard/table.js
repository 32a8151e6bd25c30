/**
 * The live event table: rows from the model in `rows.js`, new and changed rows flashed,
 * filtered by channel and status without touching the model.
 * @module dashboard/table
 */
import { $, flash, h, setText } from '../ui/dom.js';
import { clock, stamp } from '../ui/format.js';
import { matches, Rows } from './rows.js';

const KNOWN_STATUSES = ['pending', 'delivered', 'failed'];

export class EventTable {
  #rows = new Rows(500);
  /** @type {Map<string, HTMLTableRowElement>} */
  #els = new Map();
  #body;
  #empty;
  #footer;
  #channelSelect;
  #statusSelect;
  #filter = { channel: '', status: '' };

  /** @param {HTMLElement} panel holds `tbody`, `.table-footer`, `#filter-channel`, `#filter-status` @param {string[]} channels */
  constructor(panel, channels) {
    this.#body = $('tbody', panel);
    this.#footer = $('.table-footer', panel);
    this.#empty = h('tr.empty', null, h('td', { colspan: 7, text: 'No events yet. Send one with the form above or POST /api/events.' }));
    this.#channelSelect = $('#filter-channel', panel);
    this.#statusSelect = $('#filter-status', panel);
    for (const c of channels) this.#addOption(this.#channelSelect, c);
    for (const s of KNOWN_STATUSES) this.#addOption(this.#statusSelect, s);
    const refilter = () => {
      this.#filter = { channel: this.#channelSelect.value, status: this.#statusSelect.value };
      for (const [id, tr] of this.#els) tr.hidden = !matches(this.#rows.get(id), this.#filter);
      this.#summarize();
    };
    this.#channelSelect.addEventListener('change', refilter);
    this.#statusSelect.addEventListener('change', refilter);
    this.#summarize();
  }

  /** @param {string} id @returns {import('./rows.js').LiveEvent|undefined} the listed version */
  get(id) { return this.#rows.get(id); }

  /** @param {import('./rows.js').LiveEvent[]} events any order, e.g. a snapshot's */
  load(events) {
    for (const event of events) this.upsert(event, false);
  }

  /** @param {import('./rows.js').LiveEvent} event @param {boolean} [highlight] */
  upsert(event, highlight = true) {
    const { change, index, dropped } = this.#rows.upsert(event);
    for (const old of dropped) this.#drop(old.id);
    if (change === 'stale' || !this.#rows.get(event.id)) return;
    const tr = this.#render(event, this.#els.get(event.id));
    if (change === 'created') {
      this.#body.insertBefore(tr, this.#els.get(this.#rows.all[index + 1]?.id) ?? null);
      this.#els.set(event.id, tr);
      this.#addOption(this.#channelSelect, event.channel);
      this.#addOption(this.#statusSelect, event.status);
    }
    if (highlight) flash(tr, change === 'created' ? 'flash-new' : 'flash-update');
    this.#summarize();
  }

  /** @param {string} id */
  remove(id) {
    if (this.#rows.remove(id)) this.#drop(id);
    this.#summarize();
  }

  #drop(id) {
    this.#els.get(id)?.remove();
    this.#els.delete(id);
  }

  #render(event, tr) {
    if (!tr) {
      tr = h('tr', null, h('td.mono.muted'), h('td', null, h('span.chip')), h('td.mono'), h('td', null, h('span.badge')),
        h('td.num.mono'), h('td.mono.payload'), h('td.mono.muted.id'));
    }
    const [time, channel, type, status, seq, payload, id] = tr.cells;
    tr.dataset.id = event.id;
    tr.dataset.channel = event.channel;
    tr.dataset.status = event.status;
    tr.hidden = !matches(event, this.#filter);
    const json = JSON.stringify(event.payload ?? {});
    setText(time, clock(event.created_at), `created ${stamp(event.created_at)}\nupdated ${stamp(event.updated_at)}`);
    setText(channel.firstChild, event.channel);
    setText(type, event.type);
    const badge = status.firstChild;
    setText(badge, event.status);
    badge.className = `badge status-${KNOWN_STATUSES.includes(event.status) ? event.status : 'other'}`;
    setText(seq, String(event.seq));
    setText(payload, json.length > 120 ? `${json.slice(0, 119)}…` : json, json);
    setText(id, event.id.slice(0, 8), event.id);
    return tr;
  }

  #addOption(select, value) {
    if (value && ![...select.options].some((o) => o.value === value)) select.append(h('option', { value, text: value }));
  }

  #summarize() {
    const shown = [...this.#els.values()].filter((tr) => !tr.hidden).length;
    if (this.#rows.size === 0) this.#body.append(this.#empty);
    else this.#empty.remove();
    const events = (n) => `${n} event${n === 1 ? '' : 's'}`;
    setText(this.#footer, shown === this.#rows.size ? events(shown) : `${shown} of ${events(this.#rows.size)} shown`);
  }
}
