// Writes the benchmark report from one run of `npm run bench -- --report`: `bench/report/index.html`
// (tables and inline SVG charts), `bench/report/README.md` (the same as markdown, charts as SVG files) and
// the machine the figures were measured on. Input: the JSON lines the benchmarks recorded
// (bench/lib/record.mjs) and each benchmark's printed output, which the report keeps verbatim.
//
// usage: node tools/scripts/bench-report.mjs <records.jsonl> <logs dir> [out dir]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { barChart, cdfChart, lineChart, timelineChart } from '../../bench/lib/svg-plot.mjs';

const [recordsFile, logsDir, outArg] = process.argv.slice(2);
if (!recordsFile || !logsDir) {
  console.error('usage: node tools/scripts/bench-report.mjs <records.jsonl> <logs dir> [out dir]');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '../..');
const out = resolve(outArg ?? join(root, 'bench/report'));

const records = readFileSync(recordsFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));
const logs = Object.fromEntries(
  readdirSync(logsDir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => [f.replace(/\.log$/, ''), readFileSync(join(logsDir, f), 'utf8')]),
);

const quiet = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'not available';
  }
};
const machine = [
  ['date', new Date().toISOString()],
  ['commit', quiet('git', ['-C', root, 'rev-parse', '--short', 'HEAD'])],
  ['cpu', `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`],
  ['memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
  ['kernel', `${os.type()} ${os.release()}`],
  ['node', process.version],
  ['tmux', quiet('tmux', ['-V'])],
  ['docker engine', quiet('docker', ['version', '--format', '{{.Server.Version}}'])],
  [
    'load average at the end',
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  ],
];

const esc = (s) => String(s).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
const num = (v) => (v === undefined ? '' : Number.isInteger(v) ? String(v) : v.toFixed(1));
const ms = (v) => (v < 1 ? `${(v * 1000).toFixed(0)} µs` : `${v.toFixed(2)} ms`);

/** One section per record: a table (markdown and HTML) and a chart. */
function section(r, index) {
  const file = `${String(index).padStart(2, '0')}-${r.bench}-${r.kind}.svg`;
  let svg;
  let header;
  let rows;
  if (r.kind === 'latency') {
    const base = r.rows.find((x) => x.name === r.baseline);
    header = ['case', 'n', 'p50', 'p95', 'p99', `p50 / ${r.baseline}`, 'p99 / same'];
    rows = r.rows.map((x) => [
      x.name,
      x.stats.n,
      ms(x.stats.p50),
      ms(x.stats.p95),
      ms(x.stats.p99),
      base && x !== base ? `${(x.stats.p50 / base.stats.p50).toFixed(2)}×` : 'baseline',
      base && x !== base ? `${(x.stats.p99 / base.stats.p99).toFixed(2)}×` : '',
    ]);
    const series = r.rows.filter((x) => x.samples).map((x) => ({ name: x.name, values: x.samples }));
    svg = series.length ? cdfChart(r.title, series) : undefined;
  } else if (r.kind === 'throughput') {
    const base = r.rows.find((x) => x.name === r.baseline);
    header = ['case', 'MB/s', `of ${r.baseline}`];
    rows = r.rows.map((x) => [
      x.name,
      x.mbPerS.toFixed(1),
      base && x !== base ? `${((x.mbPerS / base.mbPerS) * 100).toFixed(0)}%` : 'baseline',
    ]);
    svg = barChart(
      r.title,
      r.rows.map((x) => ({ name: x.name, value: x.mbPerS })),
      'MB/s',
      r.baseline,
    );
  } else if (r.kind === 'timeline') {
    header = ['interval', 'from (s)', 'to (s)', 'duration'];
    rows = r.marks.map((m) => [m.label, m.from.toFixed(2), m.to.toFixed(2), ms((m.to - m.from) * 1000)]);
    if (r.failures !== undefined) rows.push(['failed commands', '', '', String(r.failures)]);
    svg = timelineChart(r.title, r.points, r.marks);
  } else if (r.kind === 'series') {
    header = ['series', 'first', 'last', 'max'];
    rows = r.series.map((s) => {
      const ys = s.points.map((p) => p[1]);
      return [s.name, num(ys[0]), num(ys.at(-1)), num(Math.max(...ys))];
    });
    svg = lineChart(r.title, r.series, r.xLabel ?? 'time (s)', r.yLabel ?? '');
  } else {
    return null;
  }
  if (svg) writeFileSync(join(out, file), svg);
  return { title: r.title, bench: r.bench, header, rows, svg, file };
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const sections = records.map(section).filter(Boolean);
const benches = [...new Set([...sections.map((s) => s.bench), ...Object.keys(logs)])];

const md = [
  '# vth benchmark report',
  '',
  'Every figure below comes from one run of `npm run bench -- --report` on the machine described here; each',
  'benchmark measures its raw baseline in the same run and states its ratio to it. Nothing is pasted by hand.',
  '',
  '| | |',
  '| --- | --- |',
  ...machine.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`),
  '',
];
let html = `<!doctype html><meta charset="utf-8"><title>vth benchmark report</title>
<style>body{font-family:sans-serif;max-width:980px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px}
svg{max-width:100%;height:auto}</style>
<h1>vth benchmark report</h1>
<p>Every figure comes from one run of <code>npm run bench -- --report</code> on this machine; each benchmark
measures its raw baseline in the same run. Nothing is pasted by hand.</p>
<table>${machine.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>\n`;

for (const bench of benches) {
  md.push(`## ${bench}`, '');
  html += `<h2>${esc(bench)}</h2>\n`;
  for (const s of sections.filter((x) => x.bench === bench)) {
    md.push(
      `### ${s.title}`,
      '',
      `| ${s.header.join(' | ')} |`,
      `| ${s.header.map(() => '---').join(' | ')} |`,
    );
    for (const row of s.rows) md.push(`| ${row.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`);
    md.push('');
    if (s.svg) md.push(`![${s.title.replace(/[[\]]/g, '')}](${s.file})`, '');
    html += `<h3>${esc(s.title)}</h3><table><tr>${s.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
    html += s.rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
    html += `</table>${s.svg ?? ''}\n`;
  }
  if (logs[bench] !== undefined) {
    md.push(
      '<details><summary>full output</summary>',
      '',
      '```text',
      logs[bench].trimEnd(),
      '```',
      '',
      '</details>',
      '',
    );
    html += `<details><summary>full output</summary><pre>${esc(logs[bench])}</pre></details>\n`;
  }
}
writeFileSync(join(out, 'README.md'), `${md.join('\n')}\n`);
writeFileSync(join(out, 'index.html'), html);
console.log(`bench report: ${join(out, 'index.html')} and README.md (${sections.length} sections)`);
