import { type BackendError, type BackendErrorCode } from './backend-error';
import { emitErrorSafely } from './events';
import { type CommandExecution } from './execution';
import { type BackendMetrics } from './health';
import { LatencyHistogram } from './latency-histogram';
import { type BackendResult } from './result';

/**
 * The counters behind `getMetrics()`, shared by backends so every backend reports the same figures the
 * same way.
 *
 * @example
 * ```ts
 * const metrics = new MetricsRecorder();
 * metrics.commandFinished(execution);
 * backend.getMetrics = () => metrics.snapshot(backend.id, backend.type, sessions.size);
 * ```
 */
export class MetricsRecorder {
  private readonly startedAt = Date.now();
  private readonly latency = new LatencyHistogram();
  private sessionsCreated = 0;
  private sessionsClosed = 0;
  private started = 0;
  private completed = 0;
  private timedOut = 0;
  private interrupted = 0;
  private lost = 0;
  private nonZeroExit = 0;
  private errorsTotal = 0;
  private readonly errorsByCode: Partial<Record<BackendErrorCode, number>> = {};
  private outputBytes = 0;
  private truncatedBytes = 0;

  /** Counts a session opened. */
  sessionCreated(): void {
    this.sessionsCreated++;
  }

  /** Counts a session ended, for whatever reason. */
  sessionClosed(): void {
    this.sessionsClosed++;
  }

  /** Counts a command dispatched to a shell. */
  commandStarted(): void {
    this.started++;
  }

  /** Counts a command's end by its status and exit code, and records its latency and output bytes. */
  commandFinished(execution: CommandExecution, outputBytes: number): void {
    this.latency.record(execution.durationMs);
    this.outputBytes += outputBytes;
    this.truncatedBytes += execution.truncatedBytes;
    switch (execution.status) {
      case 'completed':
        this.completed++;
        if (execution.exitCode !== 0) this.nonZeroExit++;
        break;
      case 'timed-out':
        this.timedOut++;
        break;
      case 'interrupted':
        this.interrupted++;
        break;
      case 'lost':
        this.lost++;
        break;
    }
  }

  /** Counts an error returned to a caller, by its code. */
  error(error: BackendError): void {
    this.errorsTotal++;
    this.errorsByCode[error.code] = (this.errorsByCode[error.code] ?? 0) + 1;
  }

  /**
   * What every public method of a backend does with its result before returning it: a failure is tagged
   * with the backend's id, counted, and reported as an `error` event when someone listens.
   *
   * @example `return this.metrics.track(await runner.execute(command), this.id, this);`
   */
  track<T>(
    result: BackendResult<T>,
    backendId: string,
    emitter: Parameters<typeof emitErrorSafely>[0],
  ): BackendResult<T> {
    if (result.ok) return result;
    const error = result.error.backendId ? result.error : result.error.withBackendId(backendId);
    this.error(error);
    emitErrorSafely(emitter, error);
    return { ok: false, error };
  }

  /** The counters as `getMetrics` answers them; `activeSessions` comes from the caller's session table. */
  snapshot(backendId: string, type: string, activeSessions: number): BackendMetrics {
    return {
      backendId,
      type,
      uptimeMs: Date.now() - this.startedAt,
      sessions: { active: activeSessions, created: this.sessionsCreated, closed: this.sessionsClosed },
      commands: {
        started: this.started,
        completed: this.completed,
        timedOut: this.timedOut,
        interrupted: this.interrupted,
        lost: this.lost,
        nonZeroExit: this.nonZeroExit,
      },
      latency: this.latency.summary(),
      errors: { total: this.errorsTotal, byCode: { ...this.errorsByCode } },
      outputBytes: this.outputBytes,
      truncatedBytes: this.truncatedBytes,
    };
  }
}
