import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectOk } from '@vth/testkit';
import { ALERT_RULE_KINDS, type AlertRuleInput } from '../alert-rules';
import { VTH_METRICS } from './metric-names';
import { prometheusRules } from './prometheus-rules';
import { yamlString } from './yaml-text';

/** Prometheus's own checker (Debian's `prometheus` package; `tools/scripts/ensure-system-deps.sh` installs it). */
function promtool(dir: string, ...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const failed = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `promtool ${args.join(' ')} failed:\n${failed.stdout ?? ''}${failed.stderr ?? failed.message}`,
    );
  }
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vth-prom-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const EVERY_KIND: AlertRuleInput[] = [
  { kind: 'backend-unhealthy', forMs: 30_000, resolveAfterMs: 30_000, labels: { team: 'ops {{ .Evil }}' } },
  {
    kind: 'error-rate',
    abovePercent: 20,
    resolveBelowPercent: 10,
    minCalls: 10,
    forMs: 60_000,
    backends: ['b1', 'a.b'],
  },
  { kind: 'latency-p99', aboveMs: 250, minSamples: 5, forMs: 0, resolveAfterMs: 0 },
  { kind: 'latency-p99', name: 'probe-latency', of: 'probes', aboveMs: 250 },
  { kind: 'failover', count: 2 },
  { kind: 'migration-failed' },
  { kind: 'swap-failed' },
  { kind: 'panic' },
  { kind: 'pool-below', minHealthy: 1 },
  { kind: 'experiment-worse', experiments: ['exp'] },
];

describe('Prometheus alerting rules export', () => {
  it('writes a rule file promtool accepts, one rule per kind, and says what it left out and why', () => {
    const out = expectOk(
      prometheusRules({ rules: EVERY_KIND }, { groupName: 'vth-prod', intervalMs: 15_000 }),
    );
    const dir = workdir({ 'rules.yml': out.yaml });
    expect(promtool(dir, 'check', 'rules', 'rules.yml')).toMatch(/SUCCESS: 9 rules found/);
    expect(out.skipped).toEqual([
      {
        rule: 'probe-latency',
        reason: "no exported metric holds the manager's probe latency; use of: 'commands'",
      },
    ]);
    expect(out.notes).toEqual([
      expect.stringMatching(/^error-rate: resolves when the value is back under the firing/),
    ]);
    for (const kind of ALERT_RULE_KINDS) expect(out.yaml).toContain(`rule: "${kind}"`);
    expect(out.yaml).toContain('keep_firing_for: "30s"');
    expect(out.yaml).toContain('interval: "15s"');
    // A backend id is matched literally: the dot is escaped in the regex.
    expect(out.yaml).toContain(String.raw`backend=~\"b1|a\\\\.b\"`);
  });

  it('fires, holds and resolves as the engine does, on the metrics the server exports (promtool test rules)', () => {
    const out = expectOk(prometheusRules({ rules: EVERY_KIND }));
    const M = VTH_METRICS;
    // Samples every 15 s. vth_backend_up is 0 from 30 s to 90 s; the counters fail half the calls of b1.
    const test = `
rule_files: [rules.yml]
evaluation_interval: 15s
tests:
  - interval: 15s
    input_series:
      - series: '${M.backendUp}{backend="b1",type="tmux",group="main"}'
        values: '1 1 0 0 0 0 0 1 1 1 1 1 1 1 1 1 1 1'
      - series: '${M.callsTotal}{backend="b1"}'
        values: '0+10x20'
      - series: '${M.callErrorsTotal}{backend="b1"}'
        values: '0+5x20'
      - series: '${M.poolHealthyBackends}{group="main"}'
        values: '2 2 0 0 0 0 0 0 0 0 0 0'
      - series: '${M.experimentVerdict}{experiment="exp",variant="b",control="a",verdict="worse"}'
        values: '0 0 1 1 1 1 1 1 1 1'
      - series: '${M.experimentVerdict}{experiment="other",variant="b",control="a",verdict="worse"}'
        values: '1 1 1 1 1 1 1 1 1 1'
    alert_rule_test:
      - eval_time: 45s
        alertname: BackendUnhealthy
        exp_alerts: []
      - eval_time: 60s
        alertname: BackendUnhealthy
        exp_alerts:
          - exp_labels: { backend: b1, type: tmux, group: main, severity: warning, rule: backend-unhealthy, team: "ops {{ .Evil }}" }
            exp_annotations:
              summary: "backend b1 unhealthy for more than 30 s"
              description: "The manager reports the backend not running, ejected from rotation or unhealthy (${M.backendUp} == 0)."
      - eval_time: 4m
        alertname: BackendUnhealthy
        exp_alerts: []
      - eval_time: 2m
        alertname: ErrorRate
        exp_alerts:
          - exp_labels: { backend: b1, severity: warning, rule: error-rate }
            exp_annotations:
              summary: "backend b1 error rate 50.0 % (above 20 %)"
              description: "Share of failed calls over the last 1m, with at least 10 calls."
      - eval_time: 30s
        alertname: PoolBelow
        exp_alerts: []
      - eval_time: 1m
        alertname: PoolBelow
        exp_alerts:
          - exp_labels: { group: main, severity: critical, rule: pool-below }
            exp_annotations:
              summary: "pool main: 0 backends healthy (minimum 1)"
              description: "Backends running, in rotation, not draining and not unhealthy."
      - eval_time: 2m
        alertname: ExperimentWorse
        exp_alerts:
          - exp_labels: { experiment: exp, variant: b, control: a, verdict: worse, severity: warning, rule: experiment-worse }
            exp_annotations:
              summary: "experiment exp: variant b worse than a"
              description: "The comparison with the control found the variant worse (error rate or latency)."
`;
    const dir = workdir({ 'rules.yml': out.yaml, 'test.yml': test });
    expect(promtool(dir, 'test', 'rules', 'test.yml')).toMatch(/SUCCESS/);
  });

  it('answers INVALID_CONFIG for a bad configuration and INVALID_INPUT for bad options', () => {
    const bad = prometheusRules({ rules: [{ kind: 'panic', forMs: 'soon' }] });
    expect(!bad.ok && bad.error.message).toMatch(/config\.rules\[0\]\.forMs: /);
    const opts = prometheusRules({}, { healthWindowMs: 5, extra: 1 } as never);
    expect(!opts.ok && opts.error.code).toBe('INVALID_INPUT');
    expect(!opts.ok && opts.error.message).toMatch(
      /options\.healthWindowMs: .*; options\.extra: unknown key/,
    );
  });

  it('writes any text as a double-quoted scalar: only printable characters raw, the rest escaped, nothing lost', () => {
    for (const text of [
      'plain',
      'a "quote" and \\ backslash',
      'line\nbreak\ttab',
      'del\u007f c1\u0085 bom\ufeff ls\u2028',
      'lone \ud800 surrogate',
      'yes',
      '{{ x }}',
      '- item: x',
    ]) {
      expect(JSON.parse(yamlString(text))).toBe(text);
      expect(yamlString(text)).toMatch(
        /^"(?:[\x20-\x7e]|[^\u0000-\u009f\u2028\u2029\ufeff\ud800-\udfff])*"$/u,
      );
    }
  });
});
