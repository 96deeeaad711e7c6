// Small, dependency-free SVG charts for the benchmark report: CDFs of latencies, bars of throughput,
// points over time with shaded intervals, and lines over time. Every chart is a standalone <svg> string.

const W = 720;
const H = 360;
const M = { left: 64, right: 16, top: 36, bottom: 48 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const esc = (s) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
const num = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toPrecision(2));

function frame(title, body) {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" ` +
    `font-family="sans-serif" font-size="11"><rect width="${W}" height="${H}" fill="#fff"/>` +
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>` +
    `${body}</svg>`
  );
}

/** A linear or logarithmic scale from [lo, hi] onto [a, b], with round tick values. */
function scale(lo, hi, a, b, log) {
  if (log) {
    const l0 = Math.log10(lo);
    const l1 = Math.log10(hi);
    const at = (v) => a + ((Math.log10(Math.max(v, lo)) - l0) / (l1 - l0 || 1)) * (b - a);
    const ticks = [];
    for (let e = Math.floor(l0); e <= Math.ceil(l1); e++)
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= lo && v <= hi) ticks.push(v);
      }
    return { at, ticks };
  }
  const span = hi - lo || 1;
  const step = 10 ** Math.floor(Math.log10(span / 5));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 8) ?? step * 10;
  const ticks = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-9; v += nice) ticks.push(v);
  return { at: (v) => a + ((v - lo) / span) * (b - a), ticks };
}

function axes(x, y, xLabel, yLabel, yFormat = num) {
  const x0 = M.left;
  const x1 = W - M.right;
  const y0 = H - M.bottom;
  const y1 = M.top;
  let s = `<g stroke="#999" stroke-width="1"><line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}"/><line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}"/></g>`;
  for (const t of x.ticks) {
    const px = x.at(t);
    s += `<line x1="${px}" y1="${y0}" x2="${px}" y2="${y1}" stroke="#eee"/><text x="${px}" y="${y0 + 14}" text-anchor="middle">${num(t)}</text>`;
  }
  for (const t of y.ticks) {
    const py = y.at(t);
    s += `<line x1="${x0}" y1="${py}" x2="${x1}" y2="${py}" stroke="#eee"/><text x="${x0 - 6}" y="${py + 4}" text-anchor="end">${yFormat(t)}</text>`;
  }
  s += `<text x="${(x0 + x1) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`;
  s += `<text transform="translate(14 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`;
  return s;
}

function legend(names) {
  return names
    .map(
      (n, i) =>
        `<rect x="${M.left + 8}" y="${M.top + 6 + i * 15}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>` +
        `<text x="${M.left + 22}" y="${M.top + 15 + i * 15}">${esc(n)}</text>`,
    )
    .join('');
}

/** Cumulative distribution of each series' samples (ms, sorted), on a log axis when they span decades. */
export function cdfChart(title, series) {
  const all = series.flatMap((s) => s.values).filter((v) => v > 0);
  if (all.length === 0) return frame(title, '<text x="50%" y="50%">no samples</text>');
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const log = hi / lo > 20;
  const x = scale(log ? lo : 0, hi, M.left, W - M.right, log);
  const y = scale(0, 1, H - M.bottom, M.top, false);
  let body = axes(
    x,
    y,
    `latency (ms${log ? ', log scale' : ''})`,
    'fraction of calls at most this fast',
    (v) => `${Math.round(v * 100)}%`,
  );
  series.forEach((s, i) => {
    const n = s.values.length;
    const pts = s.values.map((v, k) => `${x.at(v).toFixed(1)},${y.at((k + 1) / n).toFixed(1)}`).join(' ');
    body += `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5" points="${pts}"/>`;
  });
  return frame(title, body + legend(series.map((s) => s.name)));
}

/** Horizontal bars, one per row, labelled with the value and its ratio to the baseline row. */
export function barChart(title, rows, unit, baseline) {
  const base = rows.find((r) => r.name === baseline)?.value;
  const hi = Math.max(...rows.map((r) => r.value), 1e-9);
  const barH = Math.min(36, (H - M.top - M.bottom) / rows.length - 8);
  const left = 250;
  let body = '';
  rows.forEach((r, i) => {
    const y = M.top + 10 + i * (barH + 8);
    const w = ((W - left - 120) * r.value) / hi;
    const ratio = base && r.name !== baseline ? ` (${((r.value / base) * 100).toFixed(0)}%)` : '';
    body +=
      `<text x="${left - 8}" y="${y + barH / 2 + 4}" text-anchor="end">${esc(r.name)}</text>` +
      `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[i % COLORS.length]}"/>` +
      `<text x="${left + w + 6}" y="${y + barH / 2 + 4}">${num(r.value)} ${esc(unit)}${ratio}</text>`;
  });
  return frame(title, body);
}

/** Points (x seconds, y ms) over time, with shaded intervals (e.g. the hot swaps). */
export function timelineChart(title, points, marks, yLabel = 'latency (ms)') {
  if (points.length === 0) return frame(title, '<text x="50%" y="50%">no samples</text>');
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = scale(0, Math.max(...xs, ...marks.map((m) => m.to)), M.left, W - M.right, false);
  const y = scale(0, Math.max(...ys), H - M.bottom, M.top, false);
  let body = '';
  for (const m of marks) {
    body +=
      `<rect x="${x.at(m.from).toFixed(1)}" y="${M.top}" width="${Math.max(1, x.at(m.to) - x.at(m.from)).toFixed(1)}" ` +
      `height="${H - M.top - M.bottom}" fill="#fdd" opacity="0.7"><title>${esc(m.label)}</title></rect>`;
  }
  body += axes(x, y, 'time (s)', yLabel);
  body += points
    .map(
      ([px, py]) =>
        `<circle cx="${x.at(px).toFixed(1)}" cy="${y.at(py).toFixed(1)}" r="1.2" fill="${COLORS[0]}"/>`,
    )
    .join('');
  return frame(title, body);
}

/** Lines over time: each series is { name, points: [[x, y], ...] }. */
export function lineChart(title, series, xLabel, yLabel) {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return frame(title, '<text x="50%" y="50%">no samples</text>');
  const x = scale(0, Math.max(...all.map((p) => p[0])), M.left, W - M.right, false);
  const y = scale(0, Math.max(...all.map((p) => p[1])), H - M.bottom, M.top, false);
  let body = axes(x, y, xLabel, yLabel);
  series.forEach((s, i) => {
    const pts = s.points.map(([px, py]) => `${x.at(px).toFixed(1)},${y.at(py).toFixed(1)}`).join(' ');
    body += `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5" points="${pts}"/>`;
  });
  return frame(title, body + legend(series.map((s) => s.name)));
}
