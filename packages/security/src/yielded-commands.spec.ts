import { EventEmitter } from 'node:events';
import { type CommandExecution, type ExecutionContext, type ITerminalBackend } from '@vth/core';
import { YieldedCommands } from './yielded-commands';

function execution(id: string, status: CommandExecution['status'], sessionId = 's1'): CommandExecution {
  return {
    id,
    sessionId,
    paneId: '0',
    command: 'npm run dev',
    status,
    exitCode: status === 'completed' ? 0 : null,
    output: '',
    truncatedBytes: 0,
    startedAt: 0,
    durationMs: 1,
    backendId: 'b1',
  };
}

function setup() {
  // Only `on`/`off` of 'command-completed' are used: a plain emitter stands in for the backend's events.
  const events = new EventEmitter();
  const ended: [string, CommandExecution['status'], ExecutionContext | undefined][] = [];
  const yielded = new YieldedCommands(events as unknown as ITerminalBackend, (e, context) =>
    ended.push([e.id, e.status, context]),
  );
  return { events, ended, yielded };
}

describe('YieldedCommands', () => {
  it('reports a followed command once, when it ends, with the context of the call that started it', () => {
    const { events, ended, yielded } = setup();
    const context = { userId: 'u1' };
    yielded.follow(execution('c1', 'running'), context);
    events.emit('command-completed', execution('c1', 'running'));
    expect(ended).toEqual([]);
    events.emit('command-completed', execution('c1', 'completed'));
    events.emit('command-completed', execution('c1', 'completed'));
    expect(ended).toEqual([['c1', 'completed', context]]);
  });

  it('ignores commands it does not follow, and a same id from another session', () => {
    const { events, ended, yielded } = setup();
    yielded.follow(execution('c1', 'running'), undefined);
    events.emit('command-completed', execution('c2', 'completed'));
    events.emit('command-completed', execution('c1', 'interrupted', 's2'));
    expect(ended).toEqual([]);
    events.emit('command-completed', execution('c1', 'interrupted'));
    expect(ended).toEqual([['c1', 'interrupted', undefined]]);
  });

  it('listens to the backend only while it follows something', () => {
    const { events, yielded } = setup();
    expect(events.listenerCount('command-completed')).toBe(0);
    yielded.follow(execution('c1', 'running'), undefined);
    yielded.follow(execution('c2', 'running'), undefined);
    expect(events.listenerCount('command-completed')).toBe(1);
    events.emit('command-completed', execution('c1', 'completed'));
    expect(events.listenerCount('command-completed')).toBe(1);
    events.emit('command-completed', execution('c2', 'timed-out'));
    expect(events.listenerCount('command-completed')).toBe(0);
  });

  it('stops following the oldest command beyond 1024, so the map cannot grow without bound', () => {
    const { events, ended, yielded } = setup();
    for (let i = 0; i <= 1024; i++) yielded.follow(execution(`c${i}`, 'running'), undefined);
    events.emit('command-completed', execution('c0', 'completed'));
    expect(ended).toEqual([]);
    events.emit('command-completed', execution('c1024', 'completed'));
    events.emit('command-completed', execution('c1', 'completed'));
    expect(ended.map(([id]) => id)).toEqual(['c1024', 'c1']);
  });
});
