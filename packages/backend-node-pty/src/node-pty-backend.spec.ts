import { BackendFactory } from '@vth/factory';
import { describeBackendConformance, expectOk } from '@vth/testkit';
import { NodePtyBackend } from './node-pty-backend';
import { plugin } from './plugin';

describeBackendConformance({
  name: 'node-pty',
  create: () => new NodePtyBackend(),
  config: { interruptGraceMs: 500, killGraceMs: 300 },
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

describe('node-pty backend specifics', () => {
  let backend: NodePtyBackend;
  beforeAll(async () => {
    backend = new NodePtyBackend({ killGraceMs: 200, interruptGraceMs: 300 });
    expectOk(await backend.initialize({}));
  });
  afterAll(() => backend.shutdown());

  it('lists no session that is being destroyed: calls to it already answer SESSION_NOT_FOUND', async () => {
    const s = expectOk(await backend.createSession());
    const destroying = backend.destroySession(s.id);
    expect(expectOk(await backend.listSessions()).map((x) => x.id)).not.toContain(s.id);
    const call = await backend.executeCommand(s.id, 'true');
    expect(!call.ok && call.error.code).toBe('SESSION_NOT_FOUND');
    expectOk(await destroying);
  });

  it('ends nohup-ed and backgrounded processes with their session', async () => {
    const s = expectOk(await backend.createSession());
    const run = expectOk(
      await backend.executeCommand(
        s.id,
        'nohup sleep 1000 >/dev/null 2>&1 & echo pid=$!; sleep 999 & echo pid=$!',
      ),
    );
    // Job control is on, as in a terminal: bash also prints "[1] <pid>" for each background job.
    const pids = [...run.output.matchAll(/^pid=(\d+)$/gm)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    expectOk(await backend.destroySession(s.id));
    expect(await until(() => !pids.some(alive))).toBe(true);
  });

  it('`git log` of 80 commits prints through, without waiting in a pager, in a default session', async () => {
    const s = expectOk(await backend.createSession({ cwd: '/tmp' }));
    const setup =
      'd=$(mktemp -d) && cd "$d" && git init -q && git config user.email t@t && git config user.name t && ' +
      'for i in $(seq 80); do git commit -q --allow-empty -m "c$i"; done';
    expect(expectOk(await backend.executeCommand(s.id, setup)).exitCode).toBe(0);
    const log = expectOk(
      await backend.executeCommand(s.id, 'git log --oneline', undefined, { timeoutMs: 10_000 }),
    );
    expect(log.status).toBe('completed');
    expect(log.output.trim().split('\n')).toHaveLength(80);
    expectOk(await backend.executeCommand(s.id, 'cd /tmp && rm -rf "$d"'));
  });

  it('escalates from Ctrl-C to SIGTERM for a job that ignores SIGINT', async () => {
    const s = expectOk(await backend.createSession());
    const run = expectOk(
      await backend.executeCommand(s.id, "trap '' INT; sleep 30; echo status=$?", undefined, {
        timeoutMs: 200,
      }),
    );
    expect(run.status).toBe('timed-out');
    expect(run.output).toContain('status=143');
    expect(expectOk(await backend.executeCommand(s.id, 'echo alive')).output).toBe('alive\n');
  });

  it('runs other shells with the POSIX fallback (dash)', async () => {
    const s = expectOk(await backend.createSession({ shell: 'dash', cwd: '/tmp' }));
    const run = expectOk(await backend.executeCommand(s.id, 'cd /usr && echo "$0" && false'));
    expect(run).toMatchObject({ exitCode: 1, cwd: '/usr' });
    expect(run.output).toMatch(/dash\n$/);
  });

  it('does not hand vth hook variables of an outer vth session to its shells', async () => {
    const saved = { ...process.env };
    process.env['PROMPT_COMMAND'] = 'echo OUTER';
    process.env['__vth_pid'] = '1';
    process.env['BASH_FUNC___vth_p_outer%%'] = '() { echo OUTER; }';
    try {
      const s = expectOk(await backend.createSession());
      const run = expectOk(await backend.executeCommand(s.id, 'env | grep -c OUTER || true'));
      expect(run.output).toBe('0\n');
      expect(expectOk(await backend.executeCommand(s.id, 'echo clean')).output).toBe('clean\n');
    } finally {
      process.env = saved;
    }
  });

  it('refuses sessions beyond maxSessions with BUSY', async () => {
    const small = new NodePtyBackend({ maxSessions: 1 });
    expectOk(await small.initialize({}));
    try {
      expectOk(await small.createSession());
      const second = await small.createSession();
      expect(!second.ok && second.error.code).toBe('BUSY');
      expect((await small.getHealth()).status).toBe('degraded');
    } finally {
      await small.shutdown();
    }
  });

  it('pauseOutput and resumeOutput lose no output; pausing is idempotent; a paused session still ends', async () => {
    expect(backend.capabilities.flowControl).toBe(true);
    const s = expectOk(await backend.createSession());
    let seen = 0;
    const count = (e: { sessionId: string; data: string }) => {
      if (e.sessionId === s.id) seen += Buffer.byteLength(e.data);
    };
    backend.on('output', count);
    try {
      expectOk(await backend.pauseOutput(s.id));
      expectOk(await backend.pauseOutput(s.id)); // twice is once
      const run = backend.executeCommand(s.id, "head -c 3000000 /dev/zero | tr '\\0' x; echo");
      expectOk(await backend.resumeOutput(s.id));
      const done = expectOk(await run);
      expect(done.output).toBe('x'.repeat(3_000_000) + '\n');
      expect(seen).toBeGreaterThanOrEqual(3_000_000);
      expectOk(await backend.pauseOutput(s.id));
      expectOk(await backend.destroySession(s.id));
      expect((await backend.pauseOutput(s.id)).ok).toBe(false);
    } finally {
      backend.off('output', count);
    }
  });

  it('rejects a missing cwd and shell as INVALID_INPUT', async () => {
    const cwd = await backend.createSession({ cwd: '/no/such/dir' });
    expect(!cwd.ok && cwd.error).toMatchObject({ code: 'INVALID_INPUT', dispatched: false });
    const shell = await backend.createSession({ shell: 'no-such-shell-xyz' });
    expect(!shell.ok && shell.error.code).toBe('INVALID_INPUT');
  });
});

describe('node-pty plugin through the factory', () => {
  const factory = new BackendFactory({ plugins: [plugin] });

  it('registers without warnings: it declares the contract version it was written for', () => {
    expect(new BackendFactory().register(plugin)).toEqual({
      ok: true,
      value: { type: 'node-pty', warnings: [] },
    });
  });

  it('probes the platform for real', async () => {
    expect(expectOk(await factory.checkPlatform('node-pty'))).toMatchObject({ ok: true });
  });

  it('names each bad config field', async () => {
    const r = await factory.create('node-pty', { cols: 0, shel: 'bash' });
    expect(!r.ok && r.error.code).toBe('INVALID_CONFIG');
    if (!r.ok) {
      expect(r.error.message).toContain('config.cols');
      expect(r.error.message).toContain('shel');
    }
  });

  it('reports a shell that does not exist as UNAVAILABLE', async () => {
    const r = await factory.create('node-pty', { shell: 'no-such-shell-xyz' });
    expect(!r.ok && r.error.code).toBe('UNAVAILABLE');
  });

  it('creates a working, initialized backend', async () => {
    const backend = expectOk(await factory.create('node-pty', { cols: 100 }, { id: 'pty-from-factory' }));
    try {
      expect(backend.id).toBe('pty-from-factory');
      const s = expectOk(await backend.createSession());
      expect(expectOk(await backend.executeCommand(s.id, 'tput cols')).output).toBe('100\n');
    } finally {
      await backend.shutdown();
    }
  });
});
