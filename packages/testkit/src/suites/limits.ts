import { expect } from '../expect';
import { LIMITS } from '@vth/core';
import { useBackend } from '../backend-handle';
import { expectFailure, expectSameText } from '../helpers';
import { type SuiteContext } from '../suite-context';

/** What `seq 1 n` prints. */
function seqOutput(n: number): string {
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) lines.push(String(i));
  return `${lines.join('\n')}\n`;
}

export function describeLimits(ctx: SuiteContext): void {
  ctx.api.describe('large output and long commands', () => {
    const h = useBackend(ctx, 'large output and long commands');
    const bigTimeout = ctx.ms(120_000);

    ctx.realShell(
      'maxOutputBytes: 1000 on `seq 1 100000` keeps head and tail and counts every cut byte',
      async () => {
        const total = Buffer.byteLength(seqOutput(100_000));
        expect(total).toBe(588_895);
        const session = await h.newSession();
        const execution = await ctx.run(h.backend(), session, 'seq 1 100000', { maxOutputBytes: 1000 });
        ctx.expectCompleted(execution);
        expect(execution.truncatedBytes).toBeGreaterThan(0);
        expect(Buffer.byteLength(execution.output)).toBeLessThanOrEqual(1000);
        expect(Buffer.byteLength(execution.output) + execution.truncatedBytes).toBe(total);
        expect(execution.output.startsWith('1\n2\n3\n')).toBe(true);
        expect(execution.output.endsWith('99999\n100000\n')).toBe(true);
      },
    );

    ctx.realShell(
      '10 MiB without a newline comes back complete with the default limits; the session keeps working',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        const execution = await ctx.run(backend, session, "head -c 10485760 /dev/zero | tr '\\0' x");
        ctx.expectCompleted(execution);
        expect(execution.truncatedBytes).toBe(0);
        expectSameText(execution.output, 'x'.repeat(10_485_760));
        await ctx.expectRun(backend, session, 'echo after', 'after\n');
      },
      bigTimeout,
    );

    ctx.realShell(
      '`seq 1 1500000` (10.9 MB of lines) comes back exact with the default limits; the session keeps working',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        const execution = await ctx.run(backend, session, 'seq 1 1500000');
        ctx.expectCompleted(execution);
        expect(execution.truncatedBytes).toBe(0);
        expectSameText(execution.output, seqOutput(1_500_000));
        await ctx.expectRun(backend, session, 'echo after', 'after\n');
      },
      bigTimeout,
    );

    ctx.realShell('a 64 KiB command line runs: `echo <65536 × a> | wc -c` prints "65537\\n"', async () => {
      const session = await h.newSession();
      await ctx.expectRun(h.backend(), session, `echo ${'a'.repeat(65_536)} | wc -c | tr -d ' '`, '65537\n');
    });

    ctx.realShell('a 200 KB command of 4000 echo lines runs every line', async () => {
      const lines = Array.from(
        { length: 4000 },
        (_, i) => `line-${String(i).padStart(5, '0')}-${'z'.repeat(40)}`,
      );
      const command = lines.map((line) => `echo ${line}`).join('\n');
      expect(Buffer.byteLength(command)).toBeGreaterThan(200_000);
      const session = await h.newSession();
      await ctx.expectRun(h.backend(), session, command, `${lines.join('\n')}\n`);
    });

    ctx.test(
      'a command over LIMITS.commandBytes answers INVALID_INPUT (dispatched: false); the session keeps working',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        const command = `: ${'a'.repeat(LIMITS.commandBytes - 1)}`;
        expect(Buffer.byteLength(command)).toBe(LIMITS.commandBytes + 1);
        expectFailure(await backend.executeCommand(session, command), 'INVALID_INPUT', {
          dispatched: false,
          what: 'executeCommand with 1 MiB + 1 bytes',
        });
        await ctx.expectRun(backend, session, 'echo after', 'after\n');
      },
    );
  });
}
