import { fail, ok, type BackendResult } from '@vth/core';
import { CreateAdmission, type AdmissionRelease } from './create-admission';

const turnOf = (r: BackendResult<AdmissionRelease>): AdmissionRelease => {
  if (!r.ok) throw r.error;
  return r.value;
};

describe('CreateAdmission: creates beyond the limit wait their turn in call order', () => {
  it('admits at most `limit` at once, the rest in FIFO order as turns are released', async () => {
    const admission = new CreateAdmission(
      () => 2,
      () => 'b1',
    );
    const order: number[] = [];
    const entries = Array.from({ length: 6 }, (_, i) =>
      admission.enter().then((r) => {
        order.push(i);
        return turnOf(r);
      }),
    );
    const first = await Promise.all(entries.slice(0, 2));
    expect([admission.active, admission.queued]).toEqual([2, 4]);
    // Released out of order: the next in line gets the turn, whoever released it.
    first[1]!();
    first[1]!(); // a second release does nothing
    const third = await entries[2]!;
    expect([admission.active, admission.queued]).toEqual([2, 3]);
    first[0]!();
    third();
    const rest = await Promise.all(entries.slice(3, 5));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    for (const release of rest) release();
    (await entries[5]!)();
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect([admission.active, admission.queued]).toEqual([0, 0]);
  });

  it('a waiting create whose signal aborts or whose timeout passes leaves the queue: TIMEOUT, not dispatched', async () => {
    const admission = new CreateAdmission(
      () => 1,
      () => 'b1',
    );
    const held = turnOf(await admission.enter());
    const controller = new AbortController();
    const aborted = admission.enter({ signal: controller.signal });
    const timedOut = admission.enter({ timeoutMs: 10 });
    const behind = admission.enter();
    expect(admission.queued).toBe(3);
    controller.abort();
    const [a, t] = await Promise.all([aborted, timedOut]);
    for (const r of [a, t]) {
      expect(!r.ok && r.error).toMatchObject({ code: 'TIMEOUT', dispatched: false, backendId: 'b1' });
    }
    expect(!a.ok && a.error.message).toMatch(/signal was aborted.*maxConcurrentCreates.*nothing was started/);
    expect(!t.ok && t.error.message).toMatch(/timeoutMs \(10 ms\) passed/);
    expect(admission.queued).toBe(1);
    held();
    turnOf(await behind)();
    expect(admission.active).toBe(0);
  });

  it('refuses a create whose signal is already aborted, even with a turn free', async () => {
    const admission = new CreateAdmission(
      () => 4,
      () => 'b1',
    );
    const r = await admission.enter({ signal: AbortSignal.abort() });
    expect(!r.ok && r.error).toMatchObject({ code: 'TIMEOUT', dispatched: false });
    expect(admission.active).toBe(0);
  });

  it('close() refuses the waiting creates and every later one with NOT_INITIALIZED', async () => {
    const admission = new CreateAdmission(
      () => 1,
      () => 'b1',
    );
    const held = turnOf(await admission.enter());
    const waiting = admission.enter({ timeoutMs: 60_000 });
    admission.close('the backend has been shut down');
    const r = await waiting;
    expect(!r.ok && r.error).toMatchObject({ code: 'NOT_INITIALIZED', dispatched: false });
    const later = await admission.enter();
    expect(!later.ok && later.error.code).toBe('NOT_INITIALIZED');
    held();
    expect([admission.active, admission.queued]).toEqual([0, 0]);
  });
});

describe('CreateAdmission.run: a create holds its turn while it opens, and while its start still costs', () => {
  const deferred = <T>() => {
    let resolve!: (value: T) => void;
    const promise = new Promise<T>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('passes the turn on when open fails, and when it succeeded with nothing left to wait for', async () => {
    const admission = new CreateAdmission(
      () => 1,
      () => 'b1',
    );
    const failed = await admission.run(
      {},
      async () => fail('INTERNAL', 'no shell'),
      () => undefined,
    );
    expect(failed.ok).toBe(false);
    expect(admission.active).toBe(0);
    const opened = await admission.run(
      {},
      async () => ok('s1'),
      () => undefined,
    );
    expect(opened).toEqual(ok('s1'));
    expect(admission.active).toBe(0);
  });

  it('keeps the turn until what holdUntil returned settles (fulfilled or rejected); the next create waits for it', async () => {
    const admission = new CreateAdmission(
      () => 1,
      () => 'b1',
    );
    for (const settle of ['resolve', 'reject'] as const) {
      const starting = deferred<void>();
      const held = starting.promise.then(() => {
        if (settle === 'reject') throw new Error('the shell never got ready');
      });
      const first = await admission.run(
        {},
        async () => ok('s1'),
        (id) => (id === 's1' ? held : undefined),
      );
      expect(first).toEqual(ok('s1'));
      expect(admission.active).toBe(1);
      let secondOpened = false;
      const second = admission.run(
        {},
        async () => {
          secondOpened = true;
          return ok('s2');
        },
        () => undefined,
      );
      expect(admission.queued).toBe(1);
      starting.resolve();
      expect(await second).toEqual(ok('s2'));
      expect(secondOpened).toBe(true);
      expect([admission.active, admission.queued]).toEqual([0, 0]);
    }
  });

  it('does not open a create that gave up waiting, and answers its refusal', async () => {
    const admission = new CreateAdmission(
      () => 1,
      () => 'b1',
    );
    const release = turnOf(await admission.enter());
    const controller = new AbortController();
    let opened = false;
    const waiting = admission.run(
      { signal: controller.signal },
      async () => {
        opened = true;
        return ok('s1');
      },
      () => undefined,
    );
    controller.abort();
    const result = await waiting;
    expect(result.ok ? null : [result.error.code, result.error.dispatched]).toEqual(['TIMEOUT', false]);
    expect(opened).toBe(false);
    release();
  });
});
