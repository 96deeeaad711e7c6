import { ok, type BackendConfig, type BackendResult } from '@vth/core';
import { type BackendState } from './session-parts';

/** What a {@link BackendLifecycle} runs, supplied by its backend. */
export interface LifecycleSteps {
  /** Validates the config and starts what the backend runs on. */
  start(config: BackendConfig): Promise<BackendResult<void>>;
  /** Ends everything the backend started; `wasReady`: a start had succeeded (or finished after shutdown began). */
  stop(wasReady: boolean): Promise<void>;
  /** Shutdown began: refuse what waits (the create queue), before anything is ended. */
  closing(): void;
  /** After `stop`: what must end last (followed commands, health reports). */
  stopped(): Promise<void> | void;
  /** The state became `ready`. */
  readied(): void;
  /** A failure of `initialize` (recorded by the backend). */
  refuse(message: string): BackendResult<void>;
}

/**
 * A backend's life: `new`, then `ready` after one successful start, then `shut-down` for good. Starts
 * requested meanwhile join the one under way (and get its result); a shutdown waits for a start under way
 * and then ends what it started as for a ready backend; every `shutdown()` resolves once all is ended.
 *
 * @example
 * ```ts
 * const life = new BackendLifecycle({ start, stop, closing, stopped, readied, refuse });
 * await life.initialize(config);
 * await life.shutdown();
 * ```
 */
export class BackendLifecycle {
  /** Where the backend is in its life; calls other than `initialize` need `ready`. */
  state: BackendState = 'new';
  private starting: Promise<BackendResult<void>> | undefined;
  private ended: Promise<void> | undefined;
  /** A start finished after `shutdown()` was called: `stop` ends what it started as for a ready backend. */
  private startedWhileShuttingDown = false;

  constructor(private readonly steps: LifecycleSteps) {}

  initialize(config: BackendConfig): Promise<BackendResult<void>> {
    if (this.state === 'shut-down')
      return Promise.resolve(this.steps.refuse('the backend has been shut down'));
    if (this.state === 'ready') return Promise.resolve(ok());
    this.starting ??= this.startOnce(config).finally(() => (this.starting = undefined));
    return this.starting;
  }

  shutdown(): Promise<void> {
    if (!this.ended) {
      const wasReady = this.state === 'ready';
      const starting = this.starting;
      this.state = 'shut-down';
      this.steps.closing();
      // A start under way finishes first: what it started is then ended like the rest.
      this.ended = (starting ?? Promise.resolve())
        .catch(() => undefined) // a start that threw still leaves things to end
        .then(() => this.steps.stop(wasReady || this.startedWhileShuttingDown))
        .then(() => this.steps.stopped());
    }
    return this.ended;
  }

  private async startOnce(config: BackendConfig): Promise<BackendResult<void>> {
    const started = await this.steps.start(config);
    if (!started.ok) return started;
    if (this.state === 'shut-down') {
      this.startedWhileShuttingDown = true;
      return this.steps.refuse('the backend was shut down while it started');
    }
    this.state = 'ready';
    this.steps.readied();
    return ok();
  }
}
