import { html } from './html';
import { type Sample } from './model';

const W = 320;
const H = 110;
const PAD = { left: 36, right: 6, top: 8, bottom: 18 };
const SERIES = [
  { key: 'p50', color: 'var(--p50)' },
  { key: 'p95', color: 'var(--p95)' },
  { key: 'p99', color: 'var(--p99)' },
] as const;

function fmtMs(ms: number): string {
  return ms >= 1000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms >= 10
      ? `${Math.round(ms)} ms`
      : `${ms.toFixed(1)} ms`;
}

/**
 * p50/p95/p99 latency over time as an SVG line chart (a few hundred points: SVG is cheap enough, needs no
 * library, scales with the page and reads to a screen reader through its title and summary).
 */
export function LatencyChart({ backendId, samples }: { backendId: string; samples: readonly Sample[] }) {
  const last = samples[samples.length - 1];
  const summary = last
    ? `latest p50 ${fmtMs(last.p50)}, p95 ${fmtMs(last.p95)}, p99 ${fmtMs(last.p99)}`
    : 'no calls measured yet';
  if (samples.length === 0)
    return html`<p class="chart-empty" data-testid=${`chart-${backendId}`}>Latency: ${summary}</p>`;
  const t0 = samples[0]!.at;
  const t1 = Math.max(last!.at, t0 + 1);
  const max = Math.max(1, ...samples.map((s) => s.p99));
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const minutes = Math.max(1, Math.round((t1 - t0) / 60_000));
  return html`<figure class="chart" data-testid=${`chart-${backendId}`} data-points=${samples.length}>
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${`Latency of ${backendId}: ${summary}`}>
      <line x1=${PAD.left} x2=${W - PAD.right} y1=${y(0)} y2=${y(0)} class="axis" />
      <line x1=${PAD.left} x2=${PAD.left} y1=${PAD.top} y2=${y(0)} class="axis" />
      <text x=${PAD.left - 4} y=${PAD.top + 8} class="tick" text-anchor="end">${fmtMs(max)}</text>
      <text x=${PAD.left - 4} y=${y(0)} class="tick" text-anchor="end">0</text>
      <text x=${W - PAD.right} y=${H - 4} class="tick" text-anchor="end">now</text>
      <text x=${PAD.left} y=${H - 4} class="tick">−${minutes} min</text>
      ${SERIES.map(
        (s) =>
          html`<polyline
            fill="none"
            stroke=${s.color}
            stroke-width="1.5"
            points=${samples.map((p) => `${x(p.at).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join(' ')}
          />`,
      )}
    </svg>
    <figcaption>
      ${SERIES.map((s) => html`<span class="legend" style=${`--c:${s.color}`}>${s.key}</span> `)}
      <span class="summary">${summary}</span>
    </figcaption>
  </figure>`;
}
