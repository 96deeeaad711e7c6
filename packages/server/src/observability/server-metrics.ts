import { type BackendMetrics, type CommandExecution, type ITerminalBackend } from '@vth/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { type ManagerView } from '../manager-view';

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The server's Prometheus metrics (its own registry, so several servers in one process do not clash):
 * what it counts itself (connections, bytes, attachments, requests, skips and pauses, command latency per
 * backend) and, at scrape time, the backend's figures (sessions, errors by code) and a manager's (pool
 * health, ejections, failovers, migrations, swaps, experiment figures per variant).
 *
 * @example
 * ```ts
 * const metrics = new ServerMetrics(manager, { processMetrics: true });
 * reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
 * ```
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly connections: Gauge<'transport'>;
  readonly connectionsTotal: Counter<'outcome'>;
  readonly bytesSent: Counter<'kind'>;
  readonly bytesReceived: Counter<'kind'>;
  readonly attachments: Gauge<'mode'>;
  readonly requests: Counter<'op' | 'transport' | 'outcome'>;
  readonly requestSeconds: Histogram<'op'>;
  readonly viewerSkips: Counter;
  readonly writerPauses: Counter;
  readonly protocolErrors: Counter<'code'>;
  /** Children of the per-message counters, looked up once: a labelled `inc` hashes its labels each call. */
  readonly traffic: Record<
    'sentControl' | 'sentOutput' | 'receivedControl' | 'receivedInput',
    Counter.Internal
  >;
  private readonly requestChildren = new Map<
    string,
    { count: Counter.Internal; seconds: Histogram.Internal<'op'> }
  >();
  private readonly commandSeconds: Histogram<'backend'>;
  private readonly onCompleted = (e: CommandExecution): void => {
    const backend = this.manager?.backendOf(e.sessionId) ?? e.backendId;
    this.commandSeconds.observe({ backend }, e.durationMs / 1000);
  };

  constructor(
    private readonly backend: ITerminalBackend,
    private readonly manager: ManagerView | undefined,
    options: { processMetrics: boolean },
  ) {
    const registers = [this.registry];
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'vth_' });
    this.connections = new Gauge({
      name: 'vth_server_connections',
      help: 'Open WebSocket connections',
      labelNames: ['transport'],
      registers,
    });
    this.connectionsTotal = new Counter({
      name: 'vth_server_connections_total',
      help: 'WebSocket upgrades, by outcome (accepted, auth, forbidden, protocol, overloaded)',
      labelNames: ['outcome'],
      registers,
    });
    this.bytesSent = new Counter({
      name: 'vth_server_bytes_sent_total',
      help: 'Bytes sent, by kind (output, control)',
      labelNames: ['kind'],
      registers,
    });
    this.bytesReceived = new Counter({
      name: 'vth_server_bytes_received_total',
      help: 'Bytes received, by kind (input, control)',
      labelNames: ['kind'],
      registers,
    });
    this.attachments = new Gauge({
      name: 'vth_server_attachments',
      help: 'Attached channels, by mode',
      labelNames: ['mode'],
      registers,
    });
    this.requests = new Counter({
      name: 'vth_server_requests_total',
      help: 'Operations, by name, transport and outcome (ok or the error code)',
      labelNames: ['op', 'transport', 'outcome'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'vth_server_request_seconds',
      help: 'Operation duration',
      labelNames: ['op'],
      buckets: SECONDS,
      registers,
    });
    this.traffic = {
      sentControl: this.bytesSent.labels('control'),
      sentOutput: this.bytesSent.labels('output'),
      receivedControl: this.bytesReceived.labels('control'),
      receivedInput: this.bytesReceived.labels('input'),
    };
    this.viewerSkips = new Counter({
      name: 'vth_server_viewer_skips_total',
      help: 'Slow viewers skipped ahead to a fresh snapshot',
      registers,
    });
    this.writerPauses = new Counter({
      name: 'vth_server_writer_pauses_total',
      help: 'Sessions paused for a slow writer',
      registers,
    });
    this.protocolErrors = new Counter({
      name: 'vth_server_protocol_errors_total',
      help: 'Bad messages, by code',
      labelNames: ['code'],
      registers,
    });
    this.commandSeconds = new Histogram({
      name: 'vth_command_duration_seconds',
      help: 'Command round trip, by pool backend',
      labelNames: ['backend'],
      buckets: SECONDS,
      registers,
    });
    backend.on('command-completed', this.onCompleted);
    this.scraped(registers);
  }

  /** Counts a finished request (children cached per op, transport and outcome). */
  request(op: string, transport: string, outcome: string, seconds: number): void {
    const key = `${op}\u0000${transport}\u0000${outcome}`;
    let child = this.requestChildren.get(key);
    if (!child) {
      child = {
        count: this.requests.labels(op, transport, outcome),
        seconds: this.requestSeconds.labels(op),
      };
      // Bounded whatever the labels are (the op and outcome sets are small; this is only a cache).
      if (this.requestChildren.size < 1000) this.requestChildren.set(key, child);
    }
    child.count.inc();
    child.seconds.observe(seconds);
  }

  dispose(): void {
    this.backend.off('command-completed', this.onCompleted);
  }

  /** Figures read from the backend and the manager when Prometheus scrapes. */
  private scraped(registers: Registry[]): void {
    const { backend, manager } = this;
    const perBackend = (): Array<[string, BackendMetrics | undefined, string | undefined]> => {
      if (!manager) return [[backend.id, backend.getMetrics(), undefined]];
      const m = manager.getMetrics();
      return Object.values(m.backends).map((b) => [b.id, b.backend, b.health.status]);
    };
    new Gauge({
      name: 'vth_backend_sessions',
      help: 'Live sessions, by pool backend',
      labelNames: ['backend'],
      registers,
      collect() {
        this.reset();
        if (manager)
          for (const b of Object.values(manager.getMetrics().backends))
            this.set({ backend: b.id }, b.activeSessions);
        else this.set({ backend: backend.id }, backend.getMetrics().sessions.active);
      },
    });
    new Gauge({
      name: 'vth_backend_up',
      help: 'Pool backends by health status (1 for the current one) and whether ejected or draining',
      labelNames: ['backend', 'status', 'ejected', 'draining'],
      registers,
      collect() {
        this.reset();
        for (const b of manager?.backends() ?? [])
          this.set(
            { backend: b.id, status: b.status, ejected: String(b.ejected), draining: String(b.draining) },
            1,
          );
      },
    });
    new Counter({
      name: 'vth_backend_errors_total',
      help: 'Failed calls, by pool backend and error code',
      labelNames: ['backend', 'code'],
      registers,
      collect() {
        this.reset();
        for (const [id, metrics] of perBackend())
          for (const [code, n] of Object.entries(metrics?.errors.byCode ?? {}))
            if (n) this.inc({ backend: id, code }, n);
      },
    });
    const managerCounter = (
      name: string,
      help: string,
      read: (m: ReturnType<ManagerView['getMetrics']>) => Array<[Record<string, string>, number]>,
      labelNames: string[] = [],
    ) =>
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          if (!manager) return;
          for (const [labels, n] of read(manager.getMetrics())) if (n > 0) this.inc(labels, n);
        },
      });
    managerCounter('vth_ejections_total', 'Backends taken out of rotation', (m) => [[{}, m.ejections]]);
    managerCounter('vth_failovers_total', 'Backends that failed with sessions on them', (m) => [
      [{}, m.failovers],
    ]);
    managerCounter(
      'vth_migrations_total',
      'Sessions moved to another backend, by result',
      (m) => [
        [{ result: 'succeeded' }, m.migrations.succeeded],
        [{ result: 'failed' }, m.migrations.failed],
      ],
      ['result'],
    );
    managerCounter(
      'vth_swaps_total',
      'Hot swaps, by result',
      (m) => [
        [{ result: 'succeeded' }, m.swaps.succeeded],
        [{ result: 'failed' }, m.swaps.failed],
      ],
      ['result'],
    );
    const variants = () =>
      (manager?.runningExperiments() ?? []).flatMap((name) => {
        const r = manager!.experimentReport(name);
        return r.ok
          ? r.value.variants.map((v) => ({ labels: { experiment: name, variant: v.name }, v }))
          : [];
      });
    const variantGauge = (
      name: string,
      help: string,
      read: (v: ReturnType<typeof variants>[number]['v']) => number,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['experiment', 'variant'],
        registers,
        collect() {
          this.reset();
          for (const { labels, v } of variants()) this.set(labels, read(v));
        },
      });
    variantGauge('vth_experiment_weight', 'Weight of each variant of a running experiment', (v) => v.weight);
    variantGauge('vth_experiment_sessions', 'Sessions assigned to each variant', (v) => v.sessions);
    variantGauge('vth_experiment_commands', 'Commands finished in each variant', (v) => v.commands);
    variantGauge('vth_experiment_errors', 'Failed commands in each variant', (v) => v.errors);
    variantGauge('vth_experiment_error_rate', 'Error rate of each variant', (v) => v.errorRate);
    variantGauge(
      'vth_experiment_latency_p95_seconds',
      'p95 command latency of each variant',
      (v) => v.latency.p95 / 1000,
    );
  }
}
