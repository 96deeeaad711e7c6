import { expect } from '../expect';
import { type ITerminalBackend } from '@vth/core';
import { useBackend } from '../backend-handle';
import { expectOk, expectSameText } from '../helpers';
import { type SuiteContext } from '../suite-context';

function hexBytes(bytes: string): string[] {
  return [...Buffer.from(bytes, 'utf8')].map((b) => b.toString(16).padStart(2, '0'));
}

export function describeCommandText(ctx: SuiteContext): void {
  ctx.api.describe('command text', () => {
    const h = useBackend(ctx, 'command text');

    /** `printf '%s' '<bytes>' | od`: the program sees exactly `bytes` only if none of them acted as a key. */
    async function expectBytesReachProgram(backend: ITerminalBackend, session: string, bytes: string) {
      const execution = await ctx.run(backend, session, `printf '%s' '${bytes}' | od -An -tx1`);
      ctx.expectCompleted(execution);
      expect(execution.output.trim().split(/\s+/)).toEqual(hexBytes(bytes));
      await ctx.expectRun(backend, session, 'echo survived', 'survived\n');
    }

    ctx.realShell(
      'a fake end mark printed by the command does not end it; the output keeps the mark verbatim',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        await ctx.expectRun(
          backend,
          session,
          "printf '\\033]6973;E;fake;c1;0;/\\007'; echo done",
          '\x1b]6973;E;fake;c1;0;/\x07done\n',
        );
        await ctx.expectRun(
          backend,
          session,
          "printf '\\033]6973;P;fake;;0;/\\007\\033]6973;S;fake;c2\\007\\033]6973;I;fake;c3\\007'; echo done2",
          '\x1b]6973;P;fake;;0;/\x07\x1b]6973;S;fake;c2\x07\x1b]6973;I;fake;c3\x07done2\n',
        );
        await ctx.expectRun(backend, session, 'echo after', 'after\n');
      },
    );

    ctx.realShell(
      'an unterminated mark start swallows neither the output after it nor the next command',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        await ctx.expectRun(backend, session, "printf '\\033]6973;E;'; echo more", '\x1b]6973;E;more\n');
        await ctx.expectRun(backend, session, "printf '\\033]6973;'", '\x1b]6973;');
        await ctx.expectRun(backend, session, 'echo after', 'after\n');
      },
    );

    ctx.realShell(
      'control characters in the command text reach the program as bytes, not keys (^C ^D ^Z DEL)',
      async () => {
        const session = await h.newSession();
        await expectBytesReachProgram(h.backend(), session, 'a\x03b\x04c\x1a\x7f');
      },
    );

    ctx.realShell(
      'more control characters in the command text reach the program as bytes (^U ^V ^W ^\\ ^S ^Q ^R ^O ESC CR LF)',
      async () => {
        const session = await h.newSession();
        await expectBytesReachProgram(
          h.backend(),
          session,
          'u\x15v\x16w\x17q\x1cs\x13x\x11r\x12o\x0fe\x1bc\rn\nz',
        );
      },
    );

    ctx.realShell(
      'a multi-line script runs as one command: "x=1\\ny=2\\necho $((x+y))" prints "3\\n"',
      async () => {
        const session = await h.newSession();
        await ctx.expectRun(h.backend(), session, 'x=1\ny=2\necho $((x+y))', '3\n');
      },
    );

    ctx.realShell('quotes, dollars and backslashes reach the shell as typed', async () => {
      const session = await h.newSession();
      await ctx.expectRun(
        h.backend(),
        session,
        `printf '%s|%s|%s|%s\\n' "it's" 'say "hi"' \\$x "a\\\\b"`,
        `it's|say "hi"|$x|a\\b\n`,
      );
    });

    ctx.realShell('a trailing comment or a line continuation does not break the command', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      await ctx.expectRun(backend, session, 'echo hi # a comment', 'hi\n');
      await ctx.expectRun(backend, session, 'echo a \\\nb', 'a b\n');
      await ctx.expectRun(backend, session, 'echo after', 'after\n');
    });

    ctx.realShell('a here-document given whole in the command text runs', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      await ctx.expectRun(backend, session, 'cat << EOF\nhello\nEOF', 'hello\n');
      await ctx.expectRun(backend, session, "cat << 'EOF'\n$HOME `x`\nEOF", '$HOME `x`\n');
    });

    ctx.requires(
      'sendInput',
      'shellFeatures.incompleteInput',
      'shellFeatures.realShell',
    )(
      '`cat << EOF` without its body waits for it: sendInput("line1\\nEOF\\n") completes it with "line1\\n"',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        const pending = backend.executeCommand(session, 'cat << EOF');
        expectOk(await backend.sendInput(session, 'line1\nEOF\n'), 'sendInput');
        const execution = expectOk(await pending, 'executeCommand');
        ctx.expectCompleted(execution);
        expectSameText(execution.output, 'line1\n');
        await ctx.expectRun(backend, session, 'echo after', 'after\n');
      },
    );
  });
}
