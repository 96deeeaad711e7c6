import { expectOk } from '@vth/testkit';
import { HttpReceiver, until } from '../../test/http-receiver';
import { eject, recover, startEngine, startManager } from '../../test/manager-fixture';
import { resolvedOf, sampleAlert } from '../../test/sample-alert';
import { systemClock } from '../clock';
import { type WebhookOptionsInput } from './webhook-options';
import { WebhookSink } from './webhook-sink';

const receivers: HttpReceiver[] = [];
const sinks: WebhookSink[] = [];
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close()));
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});

async function receiver(
  ...replies: ConstructorParameters<typeof HttpReceiver>[0] & object
): Promise<HttpReceiver> {
  const r = await new HttpReceiver(replies).start();
  receivers.push(r);
  return r;
}

/** A sink with quick back-off (the real clock), so retries take milliseconds. */
function sink(options: WebhookOptionsInput): WebhookSink {
  const s = expectOk(WebhookSink.create({ initialBackoffMs: 1, maxBackoffMs: 5, ...options }));
  sinks.push(s);
  return s;
}

describe('WebhookSink against a real HTTP receiver on 127.0.0.1', () => {
  it('an engine posts the alert when it fires (retrying a 500) and again when it resolves (vth JSON format)', async () => {
    const hook = await receiver(500, 200, 200);
    const { manager, fakes } = await startManager();
    const h = startEngine(manager, {
      clock: systemClock,
      config: {
        rules: [{ kind: 'backend-unhealthy', forMs: 0, resolveAfterMs: 0 }],
        webhooks: [
          {
            url: hook.url('/alerts'),
            headers: { authorization: 'Bearer t0ken' },
            initialBackoffMs: 1,
            maxBackoffMs: 5,
          },
        ],
      },
    });
    await eject(manager, fakes, 'a');
    await hook.waitFor(2);
    await recover(manager, 'a');
    await hook.waitFor(3);
    expect(
      hook.requests.map((r) => [r.method, r.url, r.headers['content-type'], r.headers['authorization']]),
    ).toEqual(Array(3).fill(['POST', '/alerts', 'application/json', 'Bearer t0ken']));
    expect(hook.requests.map((r) => r.body)).toEqual([
      { version: 'vth.alert.v1', status: 'firing', alert: h.fired[0] },
      { version: 'vth.alert.v1', status: 'firing', alert: h.fired[0] },
      { version: 'vth.alert.v1', status: 'resolved', alert: h.resolved[0] },
    ]);
  });

  it('retries a 500 (and a 429 with Retry-After) with back-off, then delivers the same body', async () => {
    const hook = await receiver(500, 503, { status: 429, headers: { 'retry-after': '0' } }, 200);
    const s = sink({ url: hook.url() });
    expectOk(await s.deliver(sampleAlert()));
    expect(hook.requests).toHaveLength(4);
    expect(new Set(hook.requests.map((r) => JSON.stringify(r.body))).size).toBe(1);
  });

  it('gives up after maxAttempts, naming the last answer and only the origin of the URL', async () => {
    const hook = await receiver();
    hook.fallback = 500;
    const s = sink({
      url: hook.url('/services/T0/B0/secret-token'),
      maxAttempts: 3,
      headers: { 'x-key': 'hunter2' },
    });
    const r = await s.deliver(sampleAlert());
    expect(!r.ok && r.error).toMatchObject({ code: 'UNAVAILABLE', dispatched: false });
    expect(!r.ok && r.error.message).toBe(
      `webhook ${new URL(hook.url()).origin}: alert alert-1 not delivered: answered 500`,
    );
    expect(JSON.stringify(!r.ok && r.error.details)).not.toMatch(/secret-token|hunter2/);
    expect(s.name).not.toMatch(/secret-token/);
    expect(hook.requests).toHaveLength(3);
  });

  it('does not retry an answer that will not change (400, 404, a redirect)', async () => {
    const hook = await receiver(400, 404, { status: 302, headers: { location: '/elsewhere' } });
    const s = sink({ url: hook.url() });
    for (const status of [400, 404, 302]) {
      const r = await s.deliver(sampleAlert());
      expect(!r.ok && r.error.message).toMatch(new RegExp(`answered ${status}$`));
    }
    expect(hook.requests).toHaveLength(3);
  });

  it('times out an attempt that gets no answer, closes its connection, and retries', async () => {
    const hook = await receiver('hang', 200);
    const s = sink({ url: hook.url(), timeoutMs: 200 });
    expectOk(await s.deliver(sampleAlert()));
    expect(hook.requests).toHaveLength(2);
    await until(() => hook.abandoned === 1 && hook.connections === 0);

    const never = await receiver();
    never.fallback = 'hang';
    const once = sink({ url: never.url(), timeoutMs: 100, maxAttempts: 1 });
    const r = await once.deliver(sampleAlert());
    expect(!r.ok && r.error.message).toMatch(/alert-1 not delivered: no answer within 100 ms$/);
    await until(() => never.connections === 0);
  });

  it('reports a receiver that is not there (connection refused) after its attempts', async () => {
    const hook = await receiver();
    const url = hook.url();
    await hook.stop();
    receivers.splice(receivers.indexOf(hook), 1);
    const r = await sink({ url, maxAttempts: 2 }).deliver(sampleAlert());
    expect(!r.ok && r.error.message).toMatch(/not delivered: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it('delivers in order: a resolution never overtakes its firing, even while the firing is retried', async () => {
    const hook = await receiver(500, 500, 200, 200);
    const s = sink({ url: hook.url() });
    const fired = sampleAlert();
    const results = await Promise.all([s.deliver(fired), s.deliver(resolvedOf(fired))]);
    results.forEach((r) => expectOk(r));
    expect(hook.requests.map((r) => (r.body as { status: string }).status)).toEqual([
      'firing',
      'firing',
      'firing',
      'resolved',
    ]);
  });

  it('posts Slack incoming-webhook messages, with text from the source escaped (no mention, no link)', async () => {
    const hook = await receiver();
    const s = sink({ url: hook.url(), format: 'slack' });
    const hostile = sampleAlert({
      severity: 'critical',
      summary: 'backend <!channel> & <https://evil.test|click> unhealthy',
      description: 'last error: <@U123> *bold*',
    });
    expectOk(await s.deliver(hostile));
    expectOk(await s.deliver(resolvedOf(hostile)));
    const [firing, resolved] = hook.requests.map((r) => r.body) as Array<{ text: string; blocks: unknown[] }>;
    expect(firing).toEqual({
      text: ':rotating_light: [FIRING · critical] BackendUnhealthy: backend &lt;!channel&gt; &amp; &lt;https://evil.test|click&gt; unhealthy',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text:
              '*:rotating_light: [FIRING · critical] BackendUnhealthy*\n' +
              'backend &lt;!channel&gt; &amp; &lt;https://evil.test|click&gt; unhealthy\n' +
              '_last error: &lt;@U123&gt; *bold*_',
          },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: 'rule=backend-unhealthy · backend=tmux-1 · type=tmux · group=main · since 2030-01-01T00:00:00.000Z',
            },
          ],
        },
      ],
    });
    expect(JSON.stringify(firing)).not.toMatch(/<!channel>|<@U123>|<https/);
    expect(resolved!.text).toBe(
      ':white_check_mark: [RESOLVED] BackendUnhealthy: backend &lt;!channel&gt; &amp; &lt;https://evil.test|click&gt; unhealthy',
    );
    expect(JSON.stringify(resolved)).toContain('resolved: clear for 30 s');
  });

  it("posts Alertmanager's webhook-receiver body (version 4)", async () => {
    const hook = await receiver();
    const s = sink({
      url: hook.url(),
      format: 'alertmanager',
      receiver: 'ops',
      externalUrl: 'http://vth.local/',
    });
    const alert = sampleAlert();
    expectOk(await s.deliver(alert));
    expectOk(await s.deliver(resolvedOf(alert)));
    const annotations = { summary: alert.summary, description: alert.description };
    expect(hook.requests[0]!.body).toEqual({
      version: '4',
      groupKey: '{}:{alertname="BackendUnhealthy"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'ops',
      groupLabels: { alertname: 'BackendUnhealthy' },
      commonLabels: alert.labels,
      commonAnnotations: annotations,
      externalURL: 'http://vth.local/',
      alerts: [
        {
          status: 'firing',
          labels: alert.labels,
          annotations,
          startsAt: '2030-01-01T00:00:30.000Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://vth.local/',
          fingerprint: '0123456789abcdef',
        },
      ],
    });
    expect(hook.requests[1]!.body).toMatchObject({
      status: 'resolved',
      commonAnnotations: { ...annotations, resolution: 'clear for 30 s' },
      alerts: [{ status: 'resolved', endsAt: '2030-01-01T00:01:30.000Z', fingerprint: '0123456789abcdef' }],
    });
  });

  it('posts only alerts at or above minSeverity', async () => {
    const hook = await receiver();
    const s = sink({ url: hook.url(), minSeverity: 'critical' });
    expectOk(await s.deliver(sampleAlert({ severity: 'warning' })));
    expectOk(await s.deliver(sampleAlert({ severity: 'critical', id: 'alert-2' })));
    expect(hook.requests.map((r) => (r.body as { alert: { id: string } }).alert.id)).toEqual(['alert-2']);
  });

  it('close() delivers what is queued, then refuses more', async () => {
    const hook = await receiver(500, 200, 200);
    const s = sink({ url: hook.url() });
    const first = s.deliver(sampleAlert());
    const second = s.deliver(sampleAlert({ id: 'alert-2' }));
    await s.close();
    expectOk(await first);
    expectOk(await second);
    expect(hook.requests).toHaveLength(3);
    const late = await s.deliver(sampleAlert());
    expect(!late.ok && late.error.code).toBe('NOT_INITIALIZED');
  });

  it('close() gives up after flushTimeoutMs: aborts the request in flight, fails the rest, leaves no connection', async () => {
    const hook = await receiver();
    hook.fallback = 'hang';
    const s = sink({ url: hook.url(), timeoutMs: 60_000, flushTimeoutMs: 100 });
    const first = s.deliver(sampleAlert());
    const second = s.deliver(sampleAlert({ id: 'alert-2' }));
    await hook.waitFor(1);
    await s.close();
    const [a, b] = [await first, await second];
    expect(!a.ok && a.error.message).toMatch(/alert-1 not delivered: given up$/);
    expect(!b.ok && b.error.message).toMatch(/given up at close: alert alert-2 not delivered$/);
    expect(hook.requests).toHaveLength(1);
    expect(s.pending).toBe(0);
    await until(() => hook.connections === 0);
  });

  it('drops the oldest waiting alert when the queue is full', async () => {
    const hook = await receiver();
    const s = sink({ url: hook.url(), maxQueue: 2 });
    const results = await Promise.all([
      s.deliver(sampleAlert({ id: 'a1' })),
      s.deliver(sampleAlert({ id: 'a2' })),
      s.deliver(sampleAlert({ id: 'a3' })),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(!results[1]!.ok && results[1]!.error.message).toMatch(/queue full \(2\): alert a2 dropped$/);
    expect(hook.requests.map((r) => (r.body as { alert: { id: string } }).alert.id)).toEqual(['a1', 'a3']);
  });
});
