import { fail, ok, type BackendResult } from '@vth/core';
import { fingerprint, RequestLedger, type LedgerKey } from './request-ledger';

const key = (requestId: string, over: Partial<LedgerKey> = {}): LedgerKey => ({
  userId: 'alice',
  scope: 's1',
  requestId,
  fingerprint: fingerprint('command.execute', { command: 'make' }),
  ...over,
});

/** A call that counts its runs and finishes when told to. */
function gatedCall() {
  let runs = 0;
  let finish!: (r: BackendResult<string>) => void;
  let emit!: (chunk: string) => void;
  const call = (onOutput: (chunk: string) => void) => {
    runs++;
    emit = onOutput;
    return new Promise<BackendResult<string>>((resolve) => (finish = resolve));
  };
  return {
    call,
    runs: () => runs,
    finish: (r: BackendResult<string>) => finish(r),
    emit: (c: string) => emit(c),
  };
}

describe('RequestLedger', () => {
  it('runs a request once: a retry while it runs follows its output and gets its result; a later one too', async () => {
    const ledger = new RequestLedger();
    const g = gatedCall();
    const firstChunks: string[] = [];
    const first = ledger.run(key('r1'), g.call, (c) => firstChunks.push(c));
    g.emit('one ');
    const retryChunks: string[] = [];
    const retry = ledger.run(key('r1'), g.call, (c) => retryChunks.push(c));
    expect(retry.replayed).toBe(true);
    g.emit('two');
    g.finish(ok('done'));
    expect(await first.result).toEqual(ok('done'));
    expect(await retry.result).toEqual(ok('done'));
    expect(firstChunks).toEqual(['one ', 'two']);
    expect(retryChunks).toEqual(['two']);
    const later = ledger.run(key('r1'), g.call);
    expect(later.replayed).toBe(true);
    expect(await later.result).toEqual(ok('done'));
    expect(g.runs()).toBe(1);
  });

  it('refuses the same id with other parameters, running nothing', async () => {
    const ledger = new RequestLedger();
    const g = gatedCall();
    ledger.run(key('r1'), g.call);
    const other = ledger.run(
      key('r1', { fingerprint: fingerprint('command.execute', { command: 'rm' }) }),
      g.call,
    );
    expect(await other.result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', dispatched: false, message: expect.stringContaining('"r1"') },
    });
    expect(g.runs()).toBe(1);
  });

  it('keeps requests apart by user and by scope', async () => {
    const ledger = new RequestLedger();
    let runs = 0;
    const call = async () => ok(++runs);
    for (const k of [key('r1'), key('r1', { userId: 'bob' }), key('r1', { scope: 's2' })])
      await ledger.run(k, call).result;
    expect(runs).toBe(3);
  });

  it('remembers the perScope most recently used requests of a scope (an LRU)', async () => {
    const ledger = new RequestLedger({ perScope: 2 });
    let runs = 0;
    const call = async () => ok(++runs);
    await ledger.run(key('a'), call).result;
    await ledger.run(key('b'), call).result;
    await ledger.run(key('a'), call).result; // used again: now the most recent
    await ledger.run(key('c'), call).result; // forgets b, the least recently used
    expect(runs).toBe(3);
    expect(ledger.run(key('a'), call).replayed).toBe(true);
    expect(ledger.run(key('c'), call).replayed).toBe(true);
    expect(ledger.run(key('b'), call).replayed).toBe(false);
    expect(runs).toBe(4);
  });

  it('keeps at most maxScopes scopes, forgetting the least recently used', async () => {
    const ledger = new RequestLedger({ maxScopes: 2 });
    const call = async () => ok(1);
    ledger.run(key('r', { scope: 'x' }), call);
    ledger.run(key('r', { scope: 'y' }), call);
    ledger.run(key('r2', { scope: 'x' }), call); // x used again
    ledger.run(key('r', { scope: 'z' }), call); // forgets y
    expect(ledger.run(key('r', { scope: 'x' }), call).replayed).toBe(true);
    expect(ledger.run(key('r', { scope: 'y' }), call).replayed).toBe(false);
  });

  it('answers a call that throws with INTERNAL, and replays that answer', async () => {
    const ledger = new RequestLedger();
    let runs = 0;
    const thrower = (): Promise<BackendResult<never>> => {
      runs++;
      return Promise.reject(new Error('boom'));
    };
    expect(await ledger.run(key('r1'), thrower).result).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringContaining('boom') },
    });
    expect((await ledger.run(key('r1'), thrower).result).ok).toBe(false);
    expect(runs).toBe(1);
    expect(await ledger.run(key('r2'), async () => fail('BUSY', 'busy')).result).toMatchObject({
      error: { code: 'BUSY' },
    });
  });
});

describe('fingerprint', () => {
  it('is the same for the same parameters in any key order, at any depth, and differs otherwise', () => {
    expect(fingerprint('op', { a: 1, b: { c: 2, d: [1, 2] } })).toBe(
      fingerprint('op', { b: { d: [1, 2], c: 2 }, a: 1 }),
    );
    expect(fingerprint('op', { a: 1 })).not.toBe(fingerprint('op', { a: 2 }));
    expect(fingerprint('op', { a: [1, 2] })).not.toBe(fingerprint('op', { a: [2, 1] }));
    expect(fingerprint('op', { a: 1 })).not.toBe(fingerprint('other', { a: 1 }));
  });
});
