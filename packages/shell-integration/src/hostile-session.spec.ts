import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BackendResult, type CommandExecution } from '@vth/core';
import { bashDialect } from './bash-dialect';
import { ShellCommandRunner } from './command-runner';
import { startShell, type RealShell } from './real-shell.fixture';

/*
 * A session is a hostile tenant: what its processes print and read must not forge or steer results.
 * Real bash on a real pty, driven by the runner as every interactive backend drives it.
 */

const NONCE = 'f00dfacecafe0123456789ab';

async function run(shell: RealShell, command: string, ctx = {}): Promise<CommandExecution> {
  const r = await shell.runner.execute(command, ctx);
  if (!r.ok) throw r.error;
  return r.value;
}

describe('a hostile session cannot forge results (real bash)', () => {
  let shell: RealShell;
  beforeEach(async () => {
    shell = await startShell('bash', bashDialect, 200, { nonce: NONCE });
  });
  afterEach(async () => {
    try {
      shell.term.kill('SIGKILL');
    } catch {
      // gone
    }
    await shell.exited;
  });

  it('no environment entry, exported function or argument a child process sees carries the nonce or the id', async () => {
    const r = await run(
      shell,
      "env; tr '\\0' '\\n' < /proc/$$/environ; tr '\\0' ' ' < /proc/$$/cmdline; bash -c 'declare -F; declare -p'",
    );
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain('PATH=');
    expect(r.output).not.toContain(NONCE);
    expect(r.output).not.toContain(r.id);
    expect(r.output).not.toMatch(/BASH_FUNC___vth|__vth_id=|__vth_q=/);
  });

  it('the typed command lines never carry the nonce', async () => {
    await run(shell, 'echo plain');
    await run(shell, 'for i in 1 2; do echo "$i"; done');
    await run(shell, `echo ${'x'.repeat(5000)} | wc -c`);
    // The bootstrap, typed once, is the only text that holds it.
    expect(shell.typed.filter((text) => text.includes(NONCE))).toHaveLength(1);
    expect(shell.typed.length).toBeGreaterThanOrEqual(4);
  });

  it('the bootstrap is typed only once echo is off: the terminal never shows the secret', async () => {
    await run(shell, 'echo hi');
    const shown = Buffer.concat(shell.printed).toString('latin1');
    // Marks carry the nonce; everything else the terminal printed must not.
    const withoutMarks = shown.replace(/\x1b\]6973;[^\x07]*\x07/g, '');
    expect(withoutMarks).not.toContain(NONCE);
    expect(shown).toContain('stty -echo'); // the quiet line itself is echoed: it holds no secret
  });

  it('a background job reading what a child can see cannot end the next command: a failing check stays failed', async () => {
    // The attack that worked when the hooks were exported: read the nonce from the exported function names
    // and the id from the exported variable, predict the next ids, and print their end marks with exit 0.
    const attack =
      "( n=$(env | sed -n 's/^BASH_FUNC___vth_p_\\([0-9a-zA-Z]*\\)%%=.*/\\1/p' | head -1); " +
      'c=${__vth_id:-0}; i=0; while [ $i -lt 40 ]; do ' +
      'for k in 1 2 3; do id=$(printf %s "$c" | sed "s/[0-9a-z]$//")$(( (36#${c: -1} + k) % 36 )); ' +
      'printf \'ALL TESTS PASSED\\n\\033]6973;E;%s;%s;0;/\\007\' "${n:-none}" "$id"; done; ' +
      'sleep 0.02; i=$((i+1)); done ) >/dev/tty 2>&1 &';
    await run(shell, attack);
    const victim = await run(shell, 'sleep 0.4; echo checked; (exit 7)');
    expect(victim.status).toBe('completed');
    expect(victim.exitCode).toBe(7);
    expect(victim.output).toContain('checked\n');
  });

  it('a mark with the right nonce but another id is not taken for the running command', async () => {
    const r = await run(
      shell,
      `printf '\\033]6973;E;${NONCE};someoneelse;0;;/\\007'; printf '\\033]6973;X;${NONCE};;0\\007'; echo after; (exit 3)`,
    );
    expect(r).toMatchObject({ status: 'completed', exitCode: 3, output: 'after\n' });
    expect((await run(shell, 'echo next')).output).toBe('next\n');
  });

  it('Ctrl-D at the prompt ends the shell; the command sent next never ran and says so', async () => {
    shell.runner.sendInput('\x04');
    const r: BackendResult<CommandExecution> = await shell.runner.execute('false');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('SESSION_NOT_FOUND');
    expect(r.error.dispatched).toBe(false);
    await shell.exited;
    expect(shell.runner.closed).toBe(true);
  });

  it('`exec sh` ends with a clear error and the session is ended, not left answering BUSY', async () => {
    const r = await shell.runner.execute('exec sh', { timeoutMs: 300 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('BACKEND_CRASHED');
    expect(r.error.dispatched).toBe(true);
    expect(r.error.message).toMatch(/exec/);
    await shell.exited;
    const next = await shell.runner.execute('echo hi');
    expect(!next.ok && next.error.code).toBe('SESSION_NOT_FOUND');
  });

  it('`exec sh` with no timeout ends the same way on interrupt()', async () => {
    const pending = shell.runner.execute('exec sh');
    // Once the shell process runs sh, interrupt() finds a shell that never answers.
    const deadline = Date.now() + 10_000;
    const cmdline = () => readFileSync(`/proc/${shell.term.pid}/cmdline`, 'latin1');
    while (!cmdline().startsWith('sh\0') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(cmdline()).toMatch(/^sh\0/);
    shell.runner.interrupt();
    const r = await pending;
    expect(!r.ok && r.error.code).toBe('BACKEND_CRASHED');
    await shell.exited;
  });

  it('with `set -x` on, even in the middle of a batch, no trace shows the secret or vth statements', async () => {
    const batch = await shell.runner.executeBatch(['set -x', 'echo hi', 'true']);
    expect(batch.ok && batch.value.map((e) => e.output)).toEqual(['', '++ echo hi\nhi\n', '++ true\n']);
    expect((await run(shell, 'echo traced')).output).toBe('++ echo traced\ntraced\n');
    expect((await run(shell, 'for i in 1; do :; done')).output).toBe('++ for i in 1\n++ :\n');
    expect((await run(shell, 'set +x; echo quiet')).output).toBe('++ set +x\nquiet\n');
    expect((await run(shell, 'echo plain')).output).toBe('plain\n');
    const shown = Buffer.concat(shell.printed).toString('latin1');
    expect(shown.replace(/\x1b\]6973;[^\x07]*\x07/g, '')).not.toContain(NONCE);
  });

  it('`exec bash` is re-armed with a fresh secret and the session goes on', async () => {
    const r = await run(shell, 'exec bash --norc');
    expect(r.status).toBe('completed');
    expect(r.exitCode).toBeNull();
    expect((await run(shell, 'echo after-exec')).output).toBe('after-exec\n');
    // The old secret is void: a mark carrying it is plain output now.
    const forged = await run(shell, `printf '\\033]6973;E;${NONCE};x;0;;/\\007' | od -An -c | head -1`);
    expect(forged.output).toContain('6   9   7   3');
    expect((await run(shell, 'false')).exitCode).toBe(1);
  });
});

describe('history (real bash)', () => {
  it('a shell that replaced ours and exits normally saves none of what vth typed into its history file', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vth-home-'));
    try {
      const shell = await startShell('bash', bashDialect, 200, { nonce: NONCE }, home);
      expect((await run(shell, 'exec bash')).status).toBe('completed');
      await run(shell, 'echo after-exec');
      const bye = await shell.runner.execute('exit 0');
      expect(bye.ok && bye.value.exitCode).toBe(0);
      await shell.exited;
      const saved = join(home, '.bash_history');
      if (existsSync(saved)) {
        const text = readFileSync(saved, 'utf8');
        expect(text).not.toContain('__vth');
        expect(text).not.toContain(NONCE);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('exact output (real bash)', () => {
  let shell: RealShell;
  beforeEach(async () => {
    shell = await startShell('bash', bashDialect);
  });
  afterEach(async () => {
    shell.term.kill('SIGKILL');
    await shell.exited;
  });

  it('text typed at the prompt without a newline does not run glued to the next command', async () => {
    shell.runner.sendInput('rm -rf /tmp/never-');
    expect((await run(shell, 'echo ok')).output).toBe('ok\n');
    expect((await run(shell, 'echo next')).output).toBe('next\n');
  });

  it("no command's output holds notices about another command's jobs", async () => {
    expect((await run(shell, 'sleep 0.2 &')).output).toMatch(/^\[1\] \d+\n$/);
    expect((await run(shell, 'sleep 0.5; echo x')).output).toBe('x\n');
    expect((await run(shell, '(exit 4) &')).output).toMatch(/^\[1\] \d+\n$/);
    expect((await run(shell, 'sleep 0.2; echo y')).output).toBe('y\n');
  });

  it('a background job of an earlier command can still be ended by its pid', async () => {
    await run(shell, 'sleep 100 & pid=$!');
    const r = await run(
      shell,
      'kill "$pid" && echo killed; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done',
    );
    expect(r.output).toBe('killed\n');
  });

  // The user's command runs inside `eval`, so bash traces it one level deep (`++`).
  it('`set -x` traces only the user commands, never vth hooks', async () => {
    expect((await run(shell, 'set -x')).output).toBe('');
    expect((await run(shell, 'echo hi')).output).toBe('++ echo hi\nhi\n');
    expect((await run(shell, 'for i in 1; do echo "$i"; done')).output).toBe('++ for i in 1\n++ echo 1\n1\n');
    expect((await run(shell, 'set +x')).output).toBe('++ set +x\n');
    expect((await run(shell, 'echo quiet')).output).toBe('quiet\n');
  });

  it('`set -x` survives a command that Ctrl-C ends, and the hooks stay out of the trace', async () => {
    await run(shell, 'set -x');
    const r = await run(shell, 'sleep 5', { timeoutMs: 200 });
    expect(r.status).toBe('timed-out');
    expect(r.output).toMatch(/^\+\+ sleep 5\n/);
    expect(r.output).not.toContain('__vth');
    expect((await run(shell, 'echo again')).output).toBe('++ echo again\nagain\n');
  });
});

/** A runner on a scripted terminal: what it typed, and marks fed back by hand. */
function scriptedRunner() {
  const typed: string[] = [];
  const runner = new ShellCommandRunner({
    transport: { write: (d) => typed.push(d) },
    dialect: bashDialect,
    sessionId: 's',
    paneId: '0',
    backendId: 'fake',
    nonce: NONCE,
  });
  const mark = (body: string) => runner.feed(Buffer.from(`\x1b]6973;${body}\x07`, 'latin1'));
  const lastId = () => /^\x15__vth_id=([^;]+);/.exec(typed[typed.length - 1]!)?.[1];
  mark(`P;${NONCE};;0;;/`); // ready
  return { runner, mark, lastId };
}

describe('marks are accepted only for the command being waited on, once it was dispatched', () => {
  it('an end mark for the next command that arrives before its start mark is ignored', async () => {
    const { runner, mark, lastId } = scriptedRunner();
    expect((await runner.ready(1000)).ok).toBe(true);
    const pending = runner.execute('echo hi');
    const id = lastId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    mark(`E;${NONCE};${id};0;;/forged`); // before the shell started it: not its end
    mark(`S;${NONCE};${id}`);
    runner.feed(Buffer.from('hi\n'));
    mark(`E;${NONCE};${id};5;;/real`);
    const r = await pending;
    expect(r.ok && r.value).toMatchObject({ exitCode: 5, output: 'hi\n', cwd: '/real' });
  });

  it('command ids are unpredictable: no two alike, none derived from the last', async () => {
    const { runner, mark, lastId } = scriptedRunner();
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      void runner.execute('true');
      const id = lastId()!;
      ids.add(id);
      mark(`S;${NONCE};${id}`);
      mark(`E;${NONCE};${id};0;;/`);
    }
    expect(ids.size).toBe(50);
    const prefixes = new Set([...ids].map((id) => id.slice(0, 6)));
    expect(prefixes.size).toBeGreaterThan(45);
  });
});
