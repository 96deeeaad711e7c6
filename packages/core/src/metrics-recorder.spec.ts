import { EventEmitter } from 'node:events';
import { BackendError } from './backend-error';
import { type CommandExecution } from './execution';
import { MetricsRecorder } from './metrics-recorder';
import { fail, ok } from './result';

function execution(
  status: CommandExecution['status'],
  exitCode: number | null,
  extra = {},
): CommandExecution {
  return {
    id: 'c1',
    sessionId: 's1',
    paneId: '%0',
    command: 'true',
    status,
    exitCode,
    output: '',
    truncatedBytes: 0,
    startedAt: 0,
    durationMs: 5,
    backendId: 'b1',
    ...extra,
  };
}

describe('MetricsRecorder', () => {
  it('counts sessions and commands by how they ended, non-zero exits among the completed', () => {
    const metrics = new MetricsRecorder();
    metrics.sessionCreated();
    metrics.sessionCreated();
    metrics.sessionClosed();
    for (let i = 0; i < 5; i++) metrics.commandStarted();
    metrics.commandFinished(execution('completed', 0), 10);
    metrics.commandFinished(execution('completed', 2, { truncatedBytes: 7 }), 20);
    metrics.commandFinished(execution('completed', null), 0);
    metrics.commandFinished(execution('timed-out', null), 1);
    metrics.commandFinished(execution('interrupted', 130), 2);
    metrics.commandFinished(execution('lost', null), 3);

    const snapshot = metrics.snapshot('b1', 'fake', 1);
    expect(snapshot).toMatchObject({
      backendId: 'b1',
      type: 'fake',
      sessions: { active: 1, created: 2, closed: 1 },
      commands: { started: 5, completed: 3, timedOut: 1, interrupted: 1, lost: 1, nonZeroExit: 2 },
      errors: { total: 0, byCode: {} },
      outputBytes: 36,
      truncatedBytes: 7,
    });
    expect(snapshot.latency.count).toBe(6);
    expect(snapshot.uptimeMs).toBeGreaterThanOrEqual(0);
  });

  it('counts errors by code, and a snapshot is a copy later errors do not change', () => {
    const metrics = new MetricsRecorder();
    metrics.error(new BackendError('TIMEOUT', 'slow'));
    const before = metrics.snapshot('b1', 'fake', 0);
    metrics.error(new BackendError('TIMEOUT', 'slow again'));
    metrics.error(new BackendError('BUSY', 'busy'));
    expect(before.errors).toEqual({ total: 1, byCode: { TIMEOUT: 1 } });
    expect(metrics.snapshot('b1', 'fake', 0).errors).toEqual({ total: 3, byCode: { TIMEOUT: 2, BUSY: 1 } });
  });

  describe('track', () => {
    it('passes a success through untouched and counts nothing', () => {
      const metrics = new MetricsRecorder();
      const emitter = new EventEmitter();
      const result = ok(42);
      expect(metrics.track(result, 'b1', emitter)).toBe(result);
      expect(metrics.snapshot('b1', 'fake', 0).errors.total).toBe(0);
    });

    it('tags a failure with the backend id, counts it and emits it to listeners', () => {
      const metrics = new MetricsRecorder();
      const emitter = new EventEmitter();
      const seen: BackendError[] = [];
      emitter.on('error', (e: BackendError) => seen.push(e));
      const tracked = metrics.track(fail('SESSION_NOT_FOUND', 'no session "x"'), 'b1', emitter);
      expect(tracked.ok).toBe(false);
      if (tracked.ok) return;
      expect(tracked.error.backendId).toBe('b1');
      expect(tracked.error.code).toBe('SESSION_NOT_FOUND');
      expect(tracked.error.message).toBe('no session "x"');
      expect(seen).toEqual([tracked.error]);
      expect(metrics.snapshot('b1', 'fake', 0).errors.byCode).toEqual({ SESSION_NOT_FOUND: 1 });
    });

    it('keeps the id an error already names (one passed through from another backend)', () => {
      const metrics = new MetricsRecorder();
      const original = new BackendError('BUSY', 'busy', { backendId: 'inner' });
      const tracked = metrics.track(fail(original), 'outer', new EventEmitter());
      expect(!tracked.ok && tracked.error).toBe(original);
    });

    it('does not throw when nobody listens for errors (an unhandled error event would)', () => {
      const metrics = new MetricsRecorder();
      const emitter = new EventEmitter();
      expect(() => metrics.track(fail('INTERNAL', 'boom'), 'b1', emitter)).not.toThrow();
      expect(metrics.snapshot('b1', 'fake', 0).errors.total).toBe(1);
    });
  });
});
