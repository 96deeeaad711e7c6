import { EventEmitter } from 'node:events';
import { type CommandExecution } from '@vth/core';
import { MetricsRecorder } from '@vth/core/kit';
import { commandEvents } from './command-events';

describe('commandEvents', () => {
  it("emits command-started with the context's audit fields, and command-completed, counting both", () => {
    const backend = new EventEmitter();
    const metrics = new MetricsRecorder();
    const started: unknown[] = [];
    const completed: unknown[] = [];
    backend.on('command-started', (e) => started.push(e));
    backend.on('command-completed', (e) => completed.push(e));
    const events = commandEvents(backend, metrics, 's1', '0');

    events.onCommandStarted!({
      commandId: 'c1',
      command: 'ls',
      startedAt: 5,
      context: { userId: 'u1', source: 'voice', timeoutMs: 10 },
    });
    expect(started).toEqual([
      {
        sessionId: 's1',
        paneId: '0',
        commandId: 'c1',
        command: 'ls',
        startedAt: 5,
        userId: 'u1',
        source: 'voice',
      },
    ]);

    const execution: CommandExecution = {
      id: 'c1',
      sessionId: 's1',
      paneId: '0',
      command: 'ls',
      status: 'completed',
      exitCode: 1,
      output: 'x',
      truncatedBytes: 0,
      startedAt: 5,
      durationMs: 2,
      backendId: 'b1',
    };
    events.onCommandCompleted!(execution, 1);
    expect(completed).toEqual([execution]);
    expect(metrics.snapshot('b1', 'test', 1)).toMatchObject({
      commands: { started: 1, completed: 1, nonZeroExit: 1 },
      outputBytes: 1,
    });
  });
});
