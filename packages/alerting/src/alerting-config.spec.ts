import { expectOk } from '@vth/testkit';
import { alertRuleSchema, DEFAULT_ALERT_RULES } from './alert-rules';
import { parseAlertingConfig } from './alerting-config';

function issues(input: unknown): string[] {
  const r = parseAlertingConfig(input);
  expect(!r.ok && r.error).toMatchObject({ code: 'INVALID_CONFIG', dispatched: false });
  return r.ok ? [] : (r.error.details?.['issues'] as string[]);
}

describe('alerting configuration', () => {
  it('fills every default: the default rules, each with its severity, for-duration and resolve delay', () => {
    const config = expectOk(parseAlertingConfig(undefined));
    expect(config.evaluationIntervalMs).toBe(5_000);
    expect(config.historyLimit).toBe(500);
    expect(config.webhooks).toEqual([]);
    expect(config.rules.map((r) => r.name)).toEqual(DEFAULT_ALERT_RULES.map((r) => r.kind));
    expect(config.rules[0]).toEqual({
      kind: 'backend-unhealthy',
      name: 'backend-unhealthy',
      severity: 'warning',
      forMs: 30_000,
      resolveAfterMs: 30_000,
      labels: {},
    });
    expect(config.rules.find((r) => r.kind === 'failover')).toMatchObject({
      count: 1,
      windowMs: 300_000,
      forMs: 0,
      resolveAfterMs: 0,
    });
    expect(expectOk(parseAlertingConfig({ rules: [] })).rules).toEqual([]);
  });

  it('answers INVALID_CONFIG naming every bad path', () => {
    expect(
      issues({
        rules: [
          { kind: 'error-rate', abovePercent: 120, forMs: -1 },
          { kind: 'pool-below' },
          { kind: 'backend-unhealthy', severity: 'page', resolveAfterMs: 1.5, extra: true },
          { kind: 'latency-p99', aboveMs: 100, resolveBelowMs: 200, windowMs: 10 },
        ],
        evaluationIntervalMs: 5,
        webhook: [],
      }),
    ).toEqual(
      expect.arrayContaining([
        'config.rules[0].abovePercent: must be at most 100',
        'config.rules[0].forMs: must be 0 or more',
        expect.stringMatching(/^config\.rules\[1\]\.minHealthy: /),
        expect.stringMatching(/^config\.rules\[2\]\.severity: /),
        'config.rules[2].resolveAfterMs: must be a whole number of milliseconds',
        'config.rules[2].extra: unknown key',
        'config.rules[3].windowMs: must be at least 1000 ms',
        'config.evaluationIntervalMs: must be at least 100 ms',
        'config.webhook: unknown key',
      ]),
    );
  });

  it('names the known kinds when the kind is unknown or missing', () => {
    expect(issues({ rules: [{ kind: 'cpu-high' }] })).toEqual([
      expect.stringMatching(
        /^config\.rules\[0\]\.kind: kind must be one of backend-unhealthy, error-rate, .* \(got "cpu-high"\)$/,
      ),
    ]);
    expect(issues({ rules: [{ abovePercent: 3 }] })[0]).toMatch(
      /^config\.rules\[0\]\.kind: kind must be one of /,
    );
  });

  it('refuses a resolve threshold above the firing one (no hysteresis the wrong way round)', () => {
    expect(issues({ rules: [{ kind: 'error-rate', abovePercent: 5, resolveBelowPercent: 10 }] })).toEqual([
      'config.rules[0].resolveBelowPercent: must be at most abovePercent (5)',
    ]);
    expect(
      expectOk(
        parseAlertingConfig({ rules: [{ kind: 'error-rate', abovePercent: 5, resolveBelowPercent: 2 }] }),
      ).rules[0],
    ).toMatchObject({ abovePercent: 5, resolveBelowPercent: 2, minCalls: 20 });
  });

  it('refuses duplicate rule names, bad names and labels vth sets itself', () => {
    expect(
      issues({
        rules: [
          { kind: 'panic', name: '9lives' },
          { kind: 'panic', name: 'p', labels: { backend: 'x', 'bad-name': 'y', __meta: 'z', team: 'ops' } },
        ],
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^config\.rules\[0\]\.name: must start with a letter/),
        expect.stringMatching(/^config\.rules\[1\]\.labels\.backend: is set by vth/),
        expect.stringMatching(/^config\.rules\[1\]\.labels\.bad-name: must be a Prometheus label name/),
        expect.stringMatching(/^config\.rules\[1\]\.labels\.__meta: must not start with "__"/),
      ]),
    );
    // Names are compared once every rule is valid on its own.
    expect(
      issues({ rules: [{ kind: 'failover' }, { kind: 'panic' }, { kind: 'failover', count: 3 }] }),
    ).toEqual([
      'config.rules[2].name: duplicate rule name "failover" (rules[0] has it; give each rule its own name)',
    ]);
  });

  it('checks webhooks: URL scheme, header names and values, back-off bounds', () => {
    expect(
      issues({
        webhooks: [
          { url: 'ftp://example.test/x' },
          { url: 'http://127.0.0.1:9/x', headers: { 'content-type': 'text/plain', 'x-evil': 'a\r\nb: c' } },
          { url: 'http://127.0.0.1:9/x', format: 'teams', initialBackoffMs: 10, maxBackoffMs: 5 },
        ],
      }),
    ).toEqual(
      expect.arrayContaining([
        'config.webhooks[0].url: must be an http:// or https:// URL',
        'config.webhooks[1].headers.content-type: is set by the sink',
        'config.webhooks[1].headers.x-evil: must not contain CR, LF or NUL',
        expect.stringMatching(/^config\.webhooks\[2\]\.format: /),
      ]),
    );
    expect(
      issues({ webhooks: [{ url: 'http://127.0.0.1:9/x', initialBackoffMs: 10, maxBackoffMs: 5 }] }),
    ).toEqual(['config.webhooks[0].maxBackoffMs: must be at least initialBackoffMs']);
  });

  it('never throws on hostile input', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    const r = parseAlertingConfig(hostile);
    expect(!r.ok && r.error.code).toBe('INVALID_CONFIG');
    expect(alertRuleSchema.safeParse(null).success).toBe(false);
  });
});
