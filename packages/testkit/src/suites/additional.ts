import { useBackend } from '../backend-handle';
import { type ConformanceTestContext } from '../options';
import { type SuiteContext } from '../suite-context';

/** The user's own tests, with a backend for the block and a fresh session per test. */
export function describeAdditionalTests(
  ctx: SuiteContext,
  register: (context: ConformanceTestContext) => void,
): void {
  ctx.api.describe('additional tests', () => {
    const h = useBackend(ctx, 'additional tests');
    let current: string | undefined;
    ctx.api.beforeEach(async () => {
      current = undefined;
      current = await h.newSession();
    }, ctx.testTimeout);
    register({
      backend: h.backend,
      session: () => {
        if (current === undefined) throw new Error('no session: session() is valid inside tests only');
        return current;
      },
    });
  });
}
