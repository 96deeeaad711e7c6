import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * With `VTH_BENCH_RECORD=<file>` (set by `npm run bench -- --report`), each figure a benchmark prints is
 * also appended to that file as one JSON line, so the report is drawn from the very run it describes.
 * Kinds: `latency` (rows of samples in ms), `throughput` (rows in MB/s), `timeline` (points over time),
 * `series` (values over time, e.g. memory).
 */
export function record(entry) {
  const file = process.env.VTH_BENCH_RECORD;
  if (!file) return;
  const bench = basename(process.argv[1] ?? 'bench').replace(/(\.bench)?\.mjs$/, '');
  appendFileSync(file, `${JSON.stringify({ bench, ...entry })}\n`);
}

/** At most `n` evenly spaced values of a sorted array (enough for a smooth CDF, small enough to keep). */
export function thin(sorted, n = 400) {
  if (sorted.length <= n) return sorted;
  return Array.from({ length: n }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (n - 1))]);
}
