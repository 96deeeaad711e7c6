import { randomBytes } from 'node:crypto';
import { expect } from '../expect';
import { useBackend } from '../backend-handle';
import { type SuiteContext } from '../suite-context';

export function describeState(ctx: SuiteContext): void {
  ctx.api.describe('shell state persists between commands', () => {
    const h = useBackend(ctx, 'shell state');
    const persistent = ctx.requires('persistentSessions');
    const persistentShell = ctx.requires('persistentSessions', 'shellFeatures.realShell');

    persistent('`cd /tmp` then `pwd` prints "/tmp\\n"', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      await ctx.expectRun(backend, session, 'cd /tmp', '');
      await ctx.expectRun(backend, session, 'pwd', '/tmp\n');
    });

    ctx.requires(
      'persistentSessions',
      'cwdTracking',
      'shellFeatures.realShell',
    )('CommandExecution.cwd is the directory after the command, spaces and quotes included', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      expect((await ctx.expectRun(backend, session, 'cd /tmp', '')).cwd).toBe('/tmp');
      expect((await ctx.expectRun(backend, session, 'cd /', '')).cwd).toBe('/');
      const odd = `/tmp/vth conf 'dir' ${randomBytes(4).toString('hex')}`;
      const quoted = `'${odd.replace(/'/g, `'\\''`)}'`;
      try {
        expect((await ctx.expectRun(backend, session, `mkdir -p ${quoted} && cd ${quoted}`, '')).cwd).toBe(
          odd,
        );
        expect((await ctx.expectRun(backend, session, 'echo unchanged', 'unchanged\n')).cwd).toBe(odd);
      } finally {
        await ctx.run(backend, session, `cd / && rm -rf ${quoted}`);
      }
    });

    persistentShell('`export V=42` then `echo $V` prints "42\\n"', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      await ctx.expectRun(backend, session, 'export V=42', '');
      await ctx.expectRun(backend, session, 'echo $V', '42\n');
      await ctx.expectRun(backend, session, 'sh -c \'echo "child:$V"\'', 'child:42\n');
    });

    persistent('a shell variable set in one command is seen by the next', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      await ctx.expectRun(backend, session, 'conf_local=5', '');
      await ctx.expectRun(backend, session, 'echo "$conf_local"', '5\n');
    });

    persistentShell('a shell function defined in one command is callable in the next', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      await ctx.expectRun(backend, session, 'conf_fn() { echo "fn:$1"; }', '');
      await ctx.expectRun(backend, session, 'conf_fn x', 'fn:x\n');
    });
  });
}
