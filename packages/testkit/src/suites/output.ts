import { expect } from '../expect';
import { useBackend } from '../backend-handle';
import { type SuiteContext } from '../suite-context';
import { MARK_START } from './marks';

/**
 * [title, command, exact output, needs a real shell]: the output is what the command printed, byte for byte.
 */
const EXACT_CASES: Array<[string, string, string, boolean?]> = [
  ['`echo hi` prints "hi\\n"', 'echo hi', 'hi\n'],
  ['`printf \'a\\nb\'` prints "a\\nb": no newline is added', "printf 'a\\nb'", 'a\nb', true],
  ["`printf ''` prints nothing", "printf ''", '', true],
  ['`true` prints nothing', 'true', ''],
  ['several lines come back exactly', "printf 'l1\\nl2\\nl3\\n'", 'l1\nl2\nl3\n', true],
  ['empty lines are kept', "printf '\\n\\nx\\n\\n'", '\n\nx\n\n', true],
  ['UTF-8 comes back exactly', "echo 'héllo wörld 😀 中文'", 'héllo wörld 😀 中文\n'],
  ['stderr is part of the output', 'echo err >&2', 'err\n', true],
  ['stdout and stderr keep their order', 'echo out1; echo err >&2; echo out2', 'out1\nerr\nout2\n', true],
  ['"\\r\\n" printed by the program stays as printed', "printf 'a\\r\\nb'", 'a\r\nb', true],
  ['a lone "\\r" stays as printed', "printf 'a\\rb\\n'", 'a\rb\n', true],
  ['tabs stay tabs', "printf 'a\\tb\\n'", 'a\tb\n', true],
  ['escape sequences are kept verbatim', "printf '\\033[31mred\\033[0m'", '\x1b[31mred\x1b[0m', true],
  ['a line far wider than the terminal is not wrapped', "printf '%0500d\\n' 0", `${'0'.repeat(500)}\n`, true],
  [
    'the output holds neither the command text nor a prompt',
    'echo conformance-$((6 * 7))',
    'conformance-42\n',
    true,
  ],
];

export function describeOutput(ctx: SuiteContext): void {
  ctx.api.describe('exact output', () => {
    const h = useBackend(ctx, 'exact output');

    for (const [title, command, expected, realShell] of EXACT_CASES) {
      (realShell ? ctx.realShell : ctx.test)(title, async () => {
        const session = await h.newSession();
        const execution = await ctx.expectRun(h.backend(), session, command, expected);
        expect(execution.truncatedBytes).toBe(0);
      });
    }

    ctx.realShell('output without a final newline does not leak into the next command', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      await ctx.expectRun(backend, session, "printf 'tail-without-newline'", 'tail-without-newline');
      await ctx.expectRun(backend, session, 'echo next', 'next\n');
      await ctx.expectRun(backend, session, "printf ''", '');
      await ctx.expectRun(backend, session, 'echo last', 'last\n');
    });

    ctx.test('no output carries shell integration marks (ESC ] 6973)', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      for (const command of ['echo one', 'false', 'cd /', 'printf x', 'exit_3() { return 3; }; exit_3']) {
        const execution = await ctx.run(backend, session, command);
        expect(execution.output).not.toContain(MARK_START);
        expect(execution.output).not.toContain(command);
      }
      const unknown = await ctx.run(backend, session, 'this-command-does-not-exist-xyz');
      expect(unknown.output).not.toContain(MARK_START);
    });
  });
}
