/**
 * Events per second over the last minutes, drawn on a canvas: one sample per
 * `metrics_update`, a line over a soft area, a grid with round numbers. The time axis grows
 * from one to five minutes as the page collects samples; a stretch without samples (the page
 * was offline) is left blank rather than bridged. Redrawn at most once a frame, and whenever
 * the canvas changes size.
 * @module dashboard/chart
 */

const MINUTE = 60_000;
const MAX_WINDOW = 5 * MINUTE;
const GAP_MS = 6_000; // more than the slowest sampling (metrics every 2 s, polls every 2 s) with room
const COLORS = { line: '#5794f2', grid: 'rgba(204, 204, 220, 0.08)', text: '#8e8e9e' };

/**
 * @param {number} max the largest value to show
 * @returns {{top: number, steps: number}} the smallest 1, 2 or 5 × 10^n at or above max, and how many
 *   grid steps divide it into round numbers
 */
export function niceScale(max) {
  if (!(max > 0)) return { top: 1, steps: 4 };
  const power = 10 ** Math.floor(Math.log10(max));
  const m = [1, 2, 5, 10].find((v) => v * power >= max);
  return { top: m * power, steps: m === 2 ? 4 : 5 };
}

/**
 * @param {{t: number}[]} samples oldest first
 * @returns {{t: number, v: number}[][]} runs of samples with no gap longer than GAP_MS inside
 */
export function runs(samples) {
  const out = [];
  for (const s of samples) {
    const run = out.at(-1);
    if (run && s.t - run.at(-1).t <= GAP_MS) run.push(s);
    else out.push([s]);
  }
  return out;
}

export class RateChart {
  #canvas;
  #caption;
  /** @type {{t: number, v: number}[]} */
  #samples = [];
  #frame = null;

  /** @param {HTMLCanvasElement} canvas @param {HTMLElement} caption says how far back the chart reaches */
  constructor(canvas, caption) {
    this.#canvas = canvas;
    this.#caption = caption;
    new ResizeObserver(() => this.#schedule()).observe(canvas);
    setInterval(() => this.#schedule(), 1000); // time moves on even when no sample comes
  }

  /** @param {number} value events per second @param {number} [t] ms epoch */
  add(value, t = Date.now()) {
    if (!Number.isFinite(value)) return;
    this.#samples.push({ t, v: value });
    while (this.#samples.length && this.#samples[0].t < t - MAX_WINDOW) this.#samples.shift();
    this.#schedule();
  }

  #schedule() {
    this.#frame ??= requestAnimationFrame(() => {
      this.#frame = null;
      this.#draw();
    });
  }

  #draw() {
    const canvas = this.#canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (!width || !height) return;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const pad = { left: 44, right: 10, top: 8, bottom: 22 };
    const w = width - pad.left - pad.right;
    const hgt = height - pad.top - pad.bottom;
    const now = Date.now();
    const span = Math.min(MAX_WINDOW, Math.max(MINUTE, Math.ceil((now - (this.#samples[0]?.t ?? now)) / MINUTE) * MINUTE));
    const minutes = span / MINUTE;
    this.#caption.textContent = `last ${minutes === 1 ? 'minute' : `${minutes} minutes`}`;
    const { top, steps } = niceScale(Math.max(...this.#samples.map((s) => s.v), 1));
    const x = (t) => pad.left + w * (1 - (now - t) / span);
    const y = (v) => pad.top + hgt * (1 - v / top);

    g.font = '11px system-ui, sans-serif';
    g.fillStyle = COLORS.text;
    g.strokeStyle = COLORS.grid;
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i <= steps; i++) {
      const v = (top * i) / steps;
      const yy = Math.round(y(v)) + 0.5;
      g.beginPath();
      g.moveTo(pad.left, yy);
      g.lineTo(width - pad.right, yy);
      g.stroke();
      g.fillText(String(Math.round(v * 100) / 100), pad.left - 8, yy);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const tick = minutes === 1 ? 15_000 : MINUTE;
    for (let ago = span; ago >= 0; ago -= tick) {
      const label = ago === 0 ? 'now' : ago < MINUTE ? `-${ago / 1000}s` : `-${ago / MINUTE}m`;
      g.fillText(label, Math.max(pad.left + 10, Math.min(x(now - ago), width - pad.right - 12)), height - pad.bottom + 6);
    }

    const area = g.createLinearGradient(0, pad.top, 0, pad.top + hgt);
    area.addColorStop(0, 'rgba(87, 148, 242, 0.35)');
    area.addColorStop(1, 'rgba(87, 148, 242, 0.02)');
    for (const run of runs(this.#samples)) {
      const points = run.map((s) => [Math.max(pad.left, x(s.t)), y(s.v)]);
      if (points.length < 2) continue;
      g.beginPath();
      g.moveTo(points[0][0], y(0));
      for (const [px, py] of points) g.lineTo(px, py);
      g.lineTo(points.at(-1)[0], y(0));
      g.closePath();
      g.fillStyle = area;
      g.fill();
      g.beginPath();
      points.forEach(([px, py], i) => (i ? g.lineTo(px, py) : g.moveTo(px, py)));
      g.strokeStyle = COLORS.line;
      g.lineWidth = 1.75;
      g.lineJoin = 'round';
      g.stroke();
    }
  }
}
