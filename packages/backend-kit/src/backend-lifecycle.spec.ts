import { fail, ok, type BackendResult } from '@vth/core';
import { BackendLifecycle, type LifecycleSteps } from './backend-lifecycle';

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};

/** A lifecycle whose start the test finishes by hand, and a log of every step it took. */
function harness() {
  const log: string[] = [];
  let start = deferred<BackendResult<void>>();
  const steps: LifecycleSteps = {
    start: (config) => {
      log.push(`start ${JSON.stringify(config)}`);
      return start.promise;
    },
    stop: async (wasReady) => void log.push(`stop wasReady=${wasReady}`),
    closing: () => void log.push('closing'),
    stopped: () => void log.push('stopped'),
    readied: () => void log.push('readied'),
    refuse: (message) => {
      log.push(`refuse ${message}`);
      return fail('NOT_INITIALIZED', message);
    },
  };
  return {
    life: new BackendLifecycle(steps),
    log,
    finishStart: (result: BackendResult<void>) => start.resolve(result),
    throwInStart: (error: Error) => start.reject(error),
    nextStart: () => (start = deferred<BackendResult<void>>()),
  };
}

describe('BackendLifecycle', () => {
  it('runs one start for initialize calls made while it is under way; all get its result', async () => {
    const { life, log, finishStart } = harness();
    const first = life.initialize({ a: 1 });
    const second = life.initialize({ b: 2 });
    finishStart(ok());
    expect(await Promise.all([first, second])).toEqual([ok(), ok()]);
    expect(life.state).toBe('ready');
    expect(await life.initialize({})).toEqual(ok());
    expect(log).toEqual(['start {"a":1}', 'readied']);
  });

  it('stays new after a failed start, and the next initialize starts again', async () => {
    const { life, log, finishStart, nextStart } = harness();
    const failed = life.initialize({});
    finishStart(fail('UNAVAILABLE', 'no tmux'));
    expect((await failed).ok).toBe(false);
    expect(life.state).toBe('new');
    nextStart();
    const again = life.initialize({});
    expect(log).toEqual(['start {}', 'start {}']);
    life.shutdown();
    finishStart(ok());
    expect((await again).ok).toBe(false);
  });

  it('a shutdown during a start waits for it, refuses it, and ends what it started as for a ready backend', async () => {
    const { life, log, finishStart } = harness();
    const starting = life.initialize({});
    const down = life.shutdown();
    expect(log).toEqual(['start {}', 'closing']);
    expect(life.shutdown()).toBe(down);
    finishStart(ok());
    expect(await starting).toEqual(fail('NOT_INITIALIZED', 'the backend was shut down while it started'));
    await down;
    expect(log).toEqual([
      'start {}',
      'closing',
      'refuse the backend was shut down while it started',
      'stop wasReady=true',
      'stopped',
    ]);
    expect(life.state).toBe('shut-down');
  });

  it('a start that throws still lets shutdown end what is there, and nothing starts after shutdown', async () => {
    const { life, log, throwInStart } = harness();
    const starting = life.initialize({});
    const down = life.shutdown();
    throwInStart(new Error('boom'));
    await expect(starting).rejects.toThrow('boom');
    await down;
    expect(log).toEqual(['start {}', 'closing', 'stop wasReady=false', 'stopped']);
    expect(await life.initialize({})).toEqual(fail('NOT_INITIALIZED', 'the backend has been shut down'));
    expect(log.filter((l) => l.startsWith('start'))).toHaveLength(1);
  });

  it('starts afresh from crashed, and a shutdown from crashed ends it as not ready', async () => {
    const { life, log, finishStart, nextStart } = harness();
    const first = life.initialize({});
    finishStart(ok());
    await first;
    life.state = 'crashed';
    nextStart();
    const again = life.initialize({});
    finishStart(ok());
    expect(await again).toEqual(ok());
    expect(life.state).toBe('ready');
    life.state = 'crashed';
    await life.shutdown();
    expect(log).toEqual([
      'start {}',
      'readied',
      'start {}',
      'readied',
      'closing',
      'stop wasReady=false',
      'stopped',
    ]);
  });
});
