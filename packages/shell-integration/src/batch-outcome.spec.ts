import { fail, ok, type CommandExecution } from '@vth/core';
import { batchFailure, runInTurn } from './batch-outcome';

const execution = (command: string) => ({ command }) as CommandExecution;

describe('runInTurn and batchFailure', () => {
  it('runs each command after the previous one and returns every execution', async () => {
    const order: string[] = [];
    const result = await runInTurn(['a', 'b'], async (c) => {
      order.push(c);
      return ok(execution(c));
    });
    expect(result).toEqual({ ok: true, value: [execution('a'), execution('b')] });
    expect(order).toEqual(['a', 'b']);
  });

  it('stops at the first failure: its code, the executions before it, dispatched once one ran', async () => {
    const run = jest.fn(async (c: string) =>
      c === 'b' ? fail('BUSY', 'no', { dispatched: false, backendId: 'x' }) : ok(execution(c)),
    );
    const first = await runInTurn(['b', 'c'], run);
    expect(!first.ok && first.error).toMatchObject({ code: 'BUSY', dispatched: false, backendId: 'x' });
    const later = await runInTurn(['a', 'b', 'c'], run);
    expect(!later.ok && later.error).toMatchObject({ code: 'BUSY', message: 'no', dispatched: true });
    expect(!later.ok && later.error.details?.['executions']).toEqual([execution('a')]);
    expect(run.mock.calls.map(([c]) => c)).toEqual(['b', 'a', 'b']);
  });

  it('keeps the details of the error it wraps', () => {
    const wrapped = fail('TIMEOUT', 't', { details: { hint: 'h' } });
    const failed = batchFailure(!wrapped.ok ? wrapped.error : (null as never), []);
    expect(!failed.ok && failed.error.details).toEqual({ hint: 'h', executions: [] });
  });
});
