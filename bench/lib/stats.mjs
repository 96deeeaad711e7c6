import { record, thin } from './record.mjs';

/** Percentiles and a table row for benchmark samples (milliseconds). */
export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  return {
    n: s.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
}

export function fmt(ms) {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
}

/** Prints "name  p50  p95  p99" rows and the ratio of each row to the baseline row. */
export function report(title, rows, baselineName) {
  const base = rows.find((r) => r.name === baselineName);
  record({
    kind: 'latency',
    title,
    baseline: baselineName,
    rows: rows.map((r) => ({
      name: r.name,
      stats: r.stats,
      ...(r.samples ? { samples: thin(r.samples) } : {}),
    })),
  });
  console.log(`\n## ${title}`);
  console.log(
    `${'case'.padEnd(44)} ${'p50'.padStart(9)} ${'p95'.padStart(9)} ${'p99'.padStart(9)}  ratio p50 (p99)`,
  );
  for (const r of rows) {
    const ratio =
      base && r !== base
        ? `${(r.stats.p50 / base.stats.p50).toFixed(2)}x (${(r.stats.p99 / base.stats.p99).toFixed(2)}x)`
        : '';
    console.log(
      `${r.name.padEnd(44)} ${fmt(r.stats.p50).padStart(9)} ${fmt(r.stats.p95).padStart(9)} ${fmt(r.stats.p99).padStart(9)}  ${ratio}`,
    );
  }
}

/** Runs the cases interleaved, one sample of each per round, so machine noise hits all of them alike. */
export async function interleave(cases, rounds, warmup = 50) {
  const samples = cases.map(() => []);
  for (let i = 0; i < warmup + rounds; i++) {
    for (let c = 0; c < cases.length; c++) {
      const t0 = performance.now();
      await cases[c].run();
      const dt = performance.now() - t0;
      if (i >= warmup) samples[c].push(dt);
    }
  }
  return cases.map((c, i) => ({
    name: c.name,
    stats: summarize(samples[i]),
    samples: [...samples[i]].sort((a, b) => a - b),
  }));
}
