import { expect } from '../expect';
import { useBackend } from '../backend-handle';
import { expectOk } from '../helpers';
import { type SuiteContext } from '../suite-context';
import { MARK_START } from './marks';

/** Lines of a capture: a trailing empty line (the text ends with "\n") is not a line. */
function captureLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function describeTerminal(ctx: SuiteContext): void {
  ctx.api.describe('capture and resize', () => {
    const h = useBackend(ctx, 'capture and resize');

    ctx.requires('capture')(
      'capture returns recent output: after `echo capture-me` it contains "capture-me"',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        await ctx.expectRun(backend, session, 'echo capture-me', 'capture-me\n');
        const text = expectOk(await backend.capture(session), 'capture');
        expect(typeof text).toBe('string');
        expect(text).toContain('capture-me');
        expect(text).not.toContain(MARK_START);
      },
    );

    ctx.requires('capture', 'shellFeatures.realShell')(
      'capture({ lines: n }) returns at most the last n lines',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        await ctx.expectRun(backend, session, "printf 'c1\\nc2\\nc3\\nc4\\n'", 'c1\nc2\nc3\nc4\n');
        const all = expectOk(await backend.capture(session), 'capture');
        for (const line of ['c1', 'c2', 'c3', 'c4']) expect(all).toContain(line);
        for (const n of [1, 2, 3]) {
          const text = expectOk(
            await backend.capture(session, undefined, { lines: n }),
            `capture({ lines: ${n} })`,
          );
          expect(captureLines(text).length).toBeLessThanOrEqual(n);
        }
      },
    );

    ctx.requires('resize', 'shellFeatures.realShell')(
      'resize(s, 100, 40) then `stty size` prints "40 100\\n"',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        expectOk(await backend.resize(session, 100, 40), 'resize');
        await ctx.expectRun(backend, session, 'stty size', '40 100\n');
        expectOk(await backend.resize(session, 81, 25), 'resize');
        await ctx.expectRun(backend, session, 'stty size', '25 81\n');
      },
    );

    ctx.requires('resize', 'shellFeatures.realShell')(
      'createSession({ cols: 120, rows: 30 }) starts the terminal at that size',
      async () => {
        const session = await h.newSession({ cols: 120, rows: 30 });
        await ctx.expectRun(h.backend(), session, 'stty size', '30 120\n');
      },
    );
  });
}
