import { BackendError, fail, ok, type BackendResult } from '@vth/core';

export type ManagerState = 'new' | 'starting' | 'ready' | 'shut-down';

/**
 * Where the manager is in its life (new -> starting -> ready -> shut-down; a start that fails goes back to
 * new), what calls answer when it is not ready, and the signal that ends every wait at shutdown.
 *
 * @example
 * ```ts
 * const ready = readiness.check();
 * if (!ready.ok) return ready; // NOT_INITIALIZED: 'call initialize() first' or 'the manager has been shut down'
 * ```
 */
export class Readiness {
  private current: ManagerState = 'new';
  private readonly halted = new AbortController();

  get state(): ManagerState {
    return this.current;
  }

  get ready(): boolean {
    return this.current === 'ready';
  }

  get shutDown(): boolean {
    return this.current === 'shut-down';
  }

  /** Aborted at shutdown: calls stop retrying. */
  get halt(): AbortSignal {
    return this.halted.signal;
  }

  starting(): void {
    this.current = 'starting';
  }

  started(): void {
    this.current = 'ready';
  }

  /** A start that failed: `initialize` may be called again (unless shutdown came meanwhile). */
  startFailed(): void {
    if (this.current === 'starting') this.current = 'new';
  }

  shuttingDown(): void {
    this.current = 'shut-down';
    this.halted.abort();
  }

  check(): BackendResult<void> {
    return this.ready ? ok() : this.refusal();
  }

  refusal(): BackendResult<never> {
    return fail(
      'NOT_INITIALIZED',
      this.shutDown ? 'the manager has been shut down' : 'call initialize() first',
      { dispatched: false },
    );
  }

  shutDownError(): BackendError {
    return new BackendError('NOT_INITIALIZED', 'the manager has been shut down', { dispatched: false });
  }
}
