import { fakePool } from '../../test/fake-pool';
import { FailoverBatches } from './failover-batches';

describe('FailoverBatches', () => {
  it('reports the sessions one backend lost in one tick as one failover, counted once', async () => {
    const { events, counters, clock, member, seen } = fakePool();
    const [a, b] = [await member('a'), await member('b')];
    const batches = new FailoverBatches({ events, counters, clock });
    batches.note(a, 'its tmux server died', 's1');
    batches.note(a, 'a later reason', 's2');
    batches.note(b, 'circuit open', 's3');
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual([
      [
        'failover',
        { from: 'a', reason: 'its tmux server died', sessions: ['s1', 's2'], at: expect.any(Number) },
      ],
      ['failover', { from: 'b', reason: 'circuit open', sessions: ['s3'], at: expect.any(Number) }],
    ]);
    batches.note(a, 'again', 's4');
    await Promise.resolve();
    expect(seen).toHaveLength(3);
    expect(counters.pool().failovers).toBe(3);
  });
});
