import { expect } from '../expect';
import { type SuiteContext } from '../suite-context';

/** Runs last: every block above has shut its backend down by then. */
export function describeLeaks(ctx: SuiteContext): void {
  ctx.api.describe('resources', () => {
    ctx.test('nothing is left behind once every block above has shut its backend down', async () => {
      expect(await ctx.leaks.settle(ctx.ms(5_000))).toEqual([]);
    });
  });
}
