import { type BackendResult } from '@vth/core';
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
