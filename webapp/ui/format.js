/**
 * Numbers, sizes and times as the pages show them.
 * @module ui/format
 */

const integer = new Intl.NumberFormat('en-US');
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** @param {number|null|undefined} n */
export const count = (n) => (Number.isFinite(n) ? integer.format(n) : '–');

/** @param {number|null|undefined} n */
export const rate = (n) => (Number.isFinite(n) ? decimal.format(n) : '–');

/** @param {number} bytes */
export function bytes(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  for (; bytes >= 1024 && i < units.length - 1; i++) bytes /= 1024;
  return `${decimal.format(bytes)} ${units[i]}`;
}

/** @param {number} ms @returns {string} e.g. `3d 4h`, `12m 5s`, `4s` */
export function duration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  const parts = [[Math.floor(s / 86400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'm'], [s % 60, 's']];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return '0s';
  return parts.slice(first, first + 2).filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join(' ');
}

/** @param {string} iso @param {number} [now] @returns {string} e.g. `5m 2s ago` */
export function ago(iso, now = Date.now()) {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${duration(Math.max(0, now - t))} ago` : '–';
}

/** @param {string} iso @returns {string} local wall-clock time with milliseconds */
export function clock(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** @param {string} iso @returns {string} full local date and time, for a tooltip */
export const stamp = (iso) => new Date(iso).toLocaleString();
