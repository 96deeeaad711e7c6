import { AlertEngine, LogAlertSink } from '@vth/alerting';
import { type ITerminalBackend } from '@vth/core';
import { type BackendFactory } from '@vth/factory';
import { type BackendManager } from '@vth/manager';
import { createServer, type ServerConfigInput } from '@vth/server';
import { inject, injectable } from 'tsyringe';
import { type AppConfig } from '../config';
import { EXIT } from '../exit-codes';
import { formatBackendError } from '../format-error';
import { createManagerPool } from '../manager-pool';
import { onSignals, type Output, type SignalSource } from '../stdio';
import { TOKENS } from '../tokens';

/** The dashboard's prebuilt page, when `@vth/dashboard` is installed (it is optional to the server). */
function dashboardDir(): string | undefined {
  try {
    return (require('@vth/dashboard') as { dashboardAssetsDir: string }).dashboardAssetsDir;
  } catch {
    return undefined;
  }
}

export interface ServeOptions {
  /** A backend type, or `manager`; default: the config's `manager` pool, else `defaultBackend`, else `fallbackOrder`. */
  backend?: string;
  host?: string;
  port?: number;
}

/**
 * `vth serve`: the HTTP and WebSocket server (`@vth/server`) over a `BackendManager` — the config's
 * `manager` pool, or a pool of the one backend asked for (`--backend`, `defaultBackend`), or of the
 * `fallbackOrder` types with primary-fallback, so the admin API and the dashboard always have a pool to
 * show. Alerts (`@vth/alerting`, the config's `alerting` rules) go to stderr and to the dashboard, which is
 * served at `/dashboard/` when `@vth/dashboard` is installed (config `dashboard`). Prints the URL on stdout,
 * serves until SIGINT or SIGTERM, then closes every connection, ends every session and exits 0.
 */
@injectable()
export class ServeCommand {
  constructor(
    @inject(TOKENS.Config) private readonly config: AppConfig,
    @inject(TOKENS.BackendFactory) private readonly factory: BackendFactory,
    @inject(TOKENS.Output) private readonly output: Output,
    @inject(TOKENS.Signals) private readonly signals: SignalSource,
  ) {}

  async run(options: ServeOptions): Promise<number> {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const stopListening = onSignals(this.signals, ['SIGINT', 'SIGTERM'], () => stop());
    let backend: ITerminalBackend | undefined;
    let engine: AlertEngine | undefined;
    try {
      const created = await createManagerPool(this.config, this.factory, options.backend);
      if (!created.ok) return this.failed(created.error);
      backend = created.value;
      const config: ServerConfigInput = {
        ...this.config.server,
        ...(options.host === undefined ? {} : { host: options.host }),
        ...(options.port === undefined ? {} : { port: options.port }),
      };
      const alerts = AlertEngine.create({
        ...(this.config.alerting === undefined ? {} : { config: this.config.alerting }),
        sinks: [new LogAlertSink({ log: (r) => this.output.stderr.write(`${JSON.stringify(r)}\n`) })],
      });
      if (!alerts.ok) return this.failed(alerts.error);
      engine = alerts.value;
      const attached = engine.attach(backend as BackendManager);
      if (!attached.ok) return this.failed(attached.error);
      const { enabled = true, path: dashboardPath = '/dashboard' } = this.config.dashboard ?? {};
      const dashboard = enabled ? dashboardDir() : undefined;
      const server = createServer({
        backend,
        config,
        alerts: engine,
        ...(dashboard ? { staticAssets: { dir: dashboard, path: dashboardPath } } : {}),
      });
      if (!server.ok) return this.failed(server.error);
      const listening = await server.value.listen();
      if (!listening.ok) return this.failed(listening.error);
      this.output.stdout.write(`${listening.value.url}\n`);
      this.output.stderr.write(
        `vth: serving ${backend.type} (${
          (backend as BackendManager)
            .backends?.()
            .map((b) => b.type)
            .join(', ') ?? backend.type
        }) on ${listening.value.url}; Ctrl-C stops\n`,
      );
      if (dashboard) this.output.stderr.write(`vth: dashboard at ${listening.value.url}${dashboardPath}/\n`);
      await stopped;
      await server.value.close();
      return EXIT.ok;
    } finally {
      stopListening();
      await engine?.shutdown();
      await backend?.shutdown();
    }
  }

  private failed(error: Parameters<typeof formatBackendError>[0]): number {
    this.output.stderr.write(formatBackendError(error));
    return error.code === 'INVALID_CONFIG' ? EXIT.usage : EXIT.failure;
  }
}
