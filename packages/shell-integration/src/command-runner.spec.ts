import * as pty from 'node-pty';
import { type CommandExecution } from '@vth/core';
import { bashDialect } from './bash-dialect';
import { ShellCommandRunner } from './command-runner';
import { posixDialect } from './posix-dialect';
import { startShell } from './real-shell.fixture';

async function run(runner: ShellCommandRunner, command: string, ctx = {}): Promise<CommandExecution> {
  const r = await runner.execute(command, ctx);
  if (!r.ok) throw r.error;
  return r.value;
}

describe('ShellCommandRunner on real bash', () => {
  let shell: Awaited<ReturnType<typeof startShell>>;
  beforeEach(async () => {
    shell = await startShell('bash', bashDialect);
  });
  afterEach(() => {
    try {
      shell.term.kill('SIGKILL');
    } catch {
      // gone
    }
  });

  it('reports output, exit code and cwd of each command exactly', async () => {
    const r = await run(shell.runner, 'cd /usr; pwd; echo err >&2; false');
    expect(r).toMatchObject({
      status: 'completed',
      exitCode: 1,
      output: '/usr\nerr\n',
      cwd: '/usr',
      truncatedBytes: 0,
    });
    expect(shell.runner.cwd).toBe('/usr');
    expect((await run(shell.runner, "printf 'a\\nb'")).output).toBe('a\nb');
  });

  it('reports a cwd holding quotes, spaces, newlines and UTF-8', async () => {
    const dir = `/tmp/vth dir 'q' \\;\n é-${process.pid}`;
    const r = await run(
      shell.runner,
      `mkdir -p ${JSON.stringify(dir).replace(/\\n/g, '\n')} && cd "$_" && pwd`,
    );
    expect(r.exitCode).toBe(0);
    expect(r.cwd).toBe(dir);
    await run(shell.runner, 'cd /tmp && rm -rf "/tmp/vth dir "*');
  });

  it('types an incomplete command raw, so later input completes it (open heredoc)', async () => {
    const pending = shell.runner.execute('cat << EOF');
    // Typed raw once the shell has said the text is incomplete: the body comes after that.
    await shell.printedSoFar(';I;');
    shell.runner.sendInput('line1\nEOF\n');
    const r = await pending;
    expect(r.ok && r.value).toMatchObject({ status: 'completed', exitCode: 0, output: 'line1\n' });
  });

  it('reports the shell syntax error of invalid text, running nothing', async () => {
    const r = await run(shell.runner, 'echo should-not-run; fi');
    expect(r.exitCode).toBe(2);
    expect(r.output).toContain('syntax error');
    expect(r.output).not.toContain('should-not-run');
  });

  it('never runs valid text twice (the completeness check does not execute)', async () => {
    const r = await run(shell.runner, 'n=${n:-0}; n=$((n+1)); echo $n; { echo braces; }');
    expect(r.output).toBe('1\nbraces\n');
  });

  it('ends a command killed by Ctrl-C through the prompt hook with 130 and keeps the shell', async () => {
    const r = await run(shell.runner, 'echo started; sleep 30', { timeoutMs: 300 });
    expect(r).toMatchObject({ status: 'timed-out', exitCode: 130 });
    expect(r.output).toContain('started');
    expect((await run(shell.runner, 'echo next')).output).toBe('next\n');
  });

  it('escalates to SIGTERM when Ctrl-C is ignored', async () => {
    const r = await run(shell.runner, "trap '' INT; sleep 30; echo after=$?; trap - INT", { timeoutMs: 100 });
    expect(r.status).toBe('timed-out');
    expect(r.output).toContain('after=143');
  });

  it('ends a builtin that ignores Ctrl-C with a probe line, and the shell takes commands right away', async () => {
    const r = await run(shell.runner, 'trap \'\' INT; read -r x; trap - INT; echo "read ${#x} bytes"', {
      timeoutMs: 100,
    });
    expect(r.status).toBe('timed-out');
    // The probe line became the builtin's input, and the command ended with its own end mark.
    expect(r.output).toMatch(/^read [1-9][0-9]* bytes\n$/);
    expect((await run(shell.runner, 'echo back')).output).toBe('back\n');
  });

  it('survives exec bash, a replaced PROMPT_COMMAND, PS1 and set -u', async () => {
    expect((await run(shell.runner, 'exec bash --norc')).status).toBe('completed');
    expect((await run(shell.runner, "PROMPT_COMMAND='echo NOISE'; PS1='noisy> '; set -u")).exitCode).toBe(0);
    expect((await run(shell.runner, 'echo clean')).output).toBe('clean\n');
    expect((await run(shell.runner, 'echo $UNSET_VAR_X')).exitCode).not.toBe(0);
    expect((await run(shell.runner, 'echo still')).output).toBe('still\n');
  });

  it('assembles commands longer than a terminal line', async () => {
    const long = `echo ${'x'.repeat(100_000)} | wc -c`;
    expect((await run(shell.runner, long)).output.trim()).toBe('100001');
  });

  it('queues commands sent while one runs, in call order', async () => {
    const a = shell.runner.execute('sleep 0.2; echo one');
    const b = shell.runner.execute('echo two');
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.ok && ra.value.output).toBe('one\n');
    expect(rb.ok && rb.value.output).toBe('two\n');
  });

  it('fails a running command as lost with its partial output when the shell is killed, and queued ones undispatched', async () => {
    const running = shell.runner.execute('echo partial; sleep 30');
    const queued = shell.runner.execute('echo never');
    await shell.printedSoFar('partial');
    shell.term.kill('SIGKILL');
    const r = await running;
    expect(!r.ok && r.error).toMatchObject({ code: 'BACKEND_CRASHED', dispatched: true });
    if (!r.ok) expect((r.error.details?.['execution'] as CommandExecution).output).toContain('partial');
    const q = await queued;
    expect(!q.ok && q.error).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
  });

  it('sends a batch of plain commands as one line; a command reading stdin does not swallow the next', async () => {
    let writes = 0;
    const write = shell.term.write.bind(shell.term);
    (shell.term as { write: (d: string) => void }).write = (d: string) => {
      writes++;
      write(d);
    };
    const batch = shell.runner.executeBatch(['echo a', 'read x; echo got:$x', 'echo c; false']);
    // Held by the runner until the line has started: it is input for a command, never a command line.
    shell.runner.sendInput('hello\n');
    const r = await batch;
    expect(r.ok && r.value.map((e) => [e.output, e.exitCode])).toEqual([
      ['a\n', 0],
      ['got:hello\n', 0],
      ['c\n', 1],
    ]);
    expect(writes).toBe(2); // the batch line, then the input
  });

  it('ends the rest of a batch line interrupted when Ctrl-C cuts it short', async () => {
    const batch = shell.runner.executeBatch(['echo a', 'sleep 30', 'echo never'], { timeoutMs: 500 });
    const r = await batch;
    expect(r.ok && r.value.map((e) => [e.status, e.exitCode, e.output])).toEqual([
      ['completed', 0, 'a\n'],
      ['timed-out', 130, '\n'],
      ['interrupted', null, ''],
    ]);
    expect((await run(shell.runner, 'echo after')).output).toBe('after\n');
  });

  it('fails a command whose output was lost as BACKEND_CRASHED (dispatched) and recovers on interrupt', async () => {
    const pending = shell.runner.execute('sleep 30');
    await shell.printedSoFar(';S;');
    shell.runner.abandon('the connection to the shell was lost');
    const r = await pending;
    expect(!r.ok && r.error).toMatchObject({ code: 'BACKEND_CRASHED', dispatched: true });
    const busy = await shell.runner.execute('echo hi');
    expect(!busy.ok && busy.error.code).toBe('BUSY');
    const prompts = shell.printedCount(';P;');
    shell.runner.interrupt(); // Ctrl-C and a probe line: the shell answers with a prompt mark
    await shell.printedSoFar(';P;', prompts + 1);
    expect((await run(shell.runner, 'echo back')).output).toBe('back\n');
  });

  it('recovers an abandoned command that ignores Ctrl-C: interrupt escalates to its process group', async () => {
    // SIGINT ignored before exec stays ignored: the same as a Ctrl-C that reached bash instead of the job.
    const pending = shell.runner.execute(`bash -c "trap '' INT; exec sleep 30"`);
    await shell.printedSoFar(';S;');
    shell.runner.abandon('the connection to the shell was lost');
    expect(await pending).toMatchObject({ ok: false, error: { code: 'BACKEND_CRASHED' } });
    expect(await shell.runner.execute('echo hi')).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    // Killed by SIGTERM, the job lets bash go on to its end mark; a job ended by SIGINT stops the line
    // there and the prompt shows instead. Either mark ends the wait.
    const [ends, prompts] = [shell.printedCount(';E;'), shell.printedCount(';P;')];
    shell.runner.interrupt();
    await shell.printedUntil(
      () => shell.printedCount(';E;') > ends || shell.printedCount(';P;') > prompts,
      'an end or a prompt mark',
    );
    expect((await run(shell.runner, 'echo back')).output).toBe('back\n');
  });

  it('reports exit N as the completion of the command that exited', async () => {
    const r = await run(shell.runner, 'exit 3');
    expect(r).toMatchObject({ status: 'completed', exitCode: 3 });
    const after = await shell.runner.execute('echo never');
    expect(!after.ok && after.error).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
    await shell.exited;
    expect(shell.runner.closed).toBe(true);
  });
});

describe('ShellCommandRunner before the shell is ready', () => {
  it('types keys sent while the shell starts once it is ready: they run, and their output is seen', async () => {
    const term = pty.spawn('bash', [...bashDialect.spawnArgs], {
      name: 'xterm-256color',
      cols: 120,
      rows: 30,
      cwd: '/tmp',
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/tmp', LANG: 'C.UTF-8' },
      encoding: null,
    });
    const seen: string[] = [];
    let sawEarly!: () => void;
    const early = new Promise<void>((resolve) => (sawEarly = resolve));
    const runner = new ShellCommandRunner({
      transport: { write: (d) => term.write(d) },
      dialect: bashDialect,
      sessionId: 's1',
      paneId: '0',
      backendId: 'test',
      onOutput: (data) => {
        seen.push(data.toString('utf8'));
        if (seen.join('').includes('early 42')) sawEarly();
      },
    });
    term.onData((d) => runner.feed(Buffer.isBuffer(d) ? d : Buffer.from(d)));
    term.onExit(({ exitCode, signal }) => runner.close({ exitCode, signal: signal || null }));
    try {
      term.write(runner.bootstrapText());
      // Typed right behind vth's first line, before the shell has said it is quiet.
      runner.sendInput('echo "early $((40+2))"\r');
      expect((await runner.ready(10_000)).ok).toBe(true);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`"early 42" never showed: ${JSON.stringify(seen)}`)),
          10_000,
        );
      });
      await Promise.race([early, deadline]).finally(() => clearTimeout(timer));
      const r = await runner.execute('echo after');
      expect(r.ok && r.value.output).toBe('after\n');
    } finally {
      term.kill('SIGKILL');
    }
  }, 20_000);
});

describe('ShellCommandRunner on dash (POSIX fallback)', () => {
  let shell: Awaited<ReturnType<typeof startShell>>;
  beforeAll(async () => {
    shell = await startShell('dash', posixDialect);
  });
  afterAll(() => shell.term.kill('SIGKILL'));

  it('runs commands with exact output, exit code and cwd', async () => {
    expect(await run(shell.runner, "cd /usr && pwd; printf 'x\\ny'; false")).toMatchObject({
      exitCode: 1,
      output: '/usr\nx\ny',
      cwd: '/usr',
    });
    expect((await run(shell.runner, 'echo "it\'s" $((1+2))')).output).toBe("it's 3\n");
  });

  it('passes control characters literally and assembles long commands', async () => {
    expect((await run(shell.runner, "printf '%s' 'a\x03b\x04c' | od -An -c")).output).toMatch(
      /a\s+003\s+b\s+004\s+c/,
    );
    expect((await run(shell.runner, `echo ${'y'.repeat(20_000)} | wc -c`)).output.trim()).toBe('20001');
  });

  it('ends an interrupted command through the PS1 prompt mark', async () => {
    const r = await run(shell.runner, 'sleep 30', { timeoutMs: 300 });
    expect(r).toMatchObject({ status: 'timed-out', exitCode: 130 });
    expect((await run(shell.runner, 'echo ok')).output).toBe('ok\n');
  });

  it('reports incomplete text as the shell syntax error', async () => {
    const r = await run(shell.runner, 'echo "unterminated');
    expect(r.exitCode).toBe(2);
    expect((await run(shell.runner, 'echo fine')).output).toBe('fine\n');
  });
});
