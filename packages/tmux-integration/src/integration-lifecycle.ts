import { BackendError, toBackendError } from '@vth/core';
import { type Raise, type SelectedBackend } from './integration-backend';

/** What the integration does at each step of its life. */
export interface LifecycleSteps {
  /** Gets the backend (throws, through `raise`, when none can be had). */
  select(): Promise<SelectedBackend>;
  /** The backend is in use: starts forwarding its events; returns what stops it. */
  attach(selected: SelectedBackend): () => void;
  /** The integration is ready (calls may come from here on). */
  started(selected: SelectedBackend): void;
  /** The backend is about to be released: the integration's own sessions end first. */
  closing(selected: SelectedBackend): Promise<void>;
  /** Failures of background work (a release that throws). */
  report(error: BackendError): void;
  raise: Raise;
}

/**
 * The integration's hold on its backend, from `initialize()` to `shutdown()`: new, then ready, then shut
 * down for good. Concurrent `initialize()` calls share one attempt and a failed one may be retried;
 * `shutdown()` waits for an `initialize()` in flight and releases what it got.
 */
export class IntegrationLifecycle {
  private state: 'new' | 'ready' | 'shut-down' = 'new';
  private initializing: Promise<void> | null = null;
  private shuttingDown: Promise<void> | null = null;
  private detach: (() => void) | null = null;
  /** The backend in use; `null` before `initialize()`. */
  selected: SelectedBackend | null = null;

  constructor(private readonly steps: LifecycleSteps) {}

  get isShutDown(): boolean {
    return this.state === 'shut-down';
  }

  async initialize(): Promise<void> {
    if (this.state === 'shut-down') throw this.notInitialized('the integration has been shut down');
    if (this.state === 'ready') return;
    this.initializing ??= this.start().catch((e: unknown) => {
      this.initializing = null;
      throw e;
    });
    await this.initializing;
  }

  /** The backend, or `NOT_INITIALIZED` thrown (through `raise`) before `initialize()` and after `shutdown()`. */
  ready(): SelectedBackend {
    if (this.state === 'ready' && this.selected !== null) return this.selected;
    throw this.notInitialized(
      this.state === 'shut-down' ? 'the integration has been shut down' : 'call initialize() first',
    );
  }

  shutdown(): Promise<void> {
    this.shuttingDown ??= this.stop();
    return this.shuttingDown;
  }

  private async start(): Promise<void> {
    const selected = await this.steps.select();
    if (this.state === 'shut-down') {
      await selected.release();
      throw this.notInitialized('the integration was shut down while it was initializing');
    }
    this.selected = selected;
    this.detach = this.steps.attach(selected);
    this.state = 'ready';
    this.steps.started(selected);
  }

  private async stop(): Promise<void> {
    this.state = 'shut-down';
    if (this.initializing) await this.initializing.catch(() => undefined);
    const selected = this.selected;
    if (selected === null) return;
    await this.steps.closing(selected);
    try {
      await selected.release();
    } catch (e) {
      this.steps.report(toBackendError(e, 'INTERNAL', { dispatched: false }));
    }
    this.detach?.();
    this.detach = null;
  }

  private notInitialized(message: string): Error {
    return this.steps.raise(new BackendError('NOT_INITIALIZED', message, { dispatched: false }));
  }
}
