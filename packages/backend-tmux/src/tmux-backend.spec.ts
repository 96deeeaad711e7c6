import { execFileSync } from 'node:child_process';
import { BackendFactory } from '@vth/factory';
import { ansiCQuote } from '@vth/shell-integration';
import { describeBackendConformance, expectOk } from '@vth/testkit';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { denyPatterns, MemoryAuditSink, type AuditRecord } from '@vth/security';
import { type ITerminalBackend } from '@vth/core';
import { createTmuxBackend, plugin } from './plugin';
import { TmuxBackend } from './tmux-backend';
import { listTmuxLeaks, tmux, track, until } from '../test/tmux-fixtures';

describeBackendConformance({
  name: 'tmux',
  create: () => track(new TmuxBackend()),
  config: { interruptGraceMs: 500, killGraceMs: 300 },
  listLeaks: listTmuxLeaks,
});

describe('tmux backend specifics', () => {
  let backend: TmuxBackend;
  beforeEach(async () => {
    backend = track(new TmuxBackend({ interruptGraceMs: 300, killGraceMs: 200 }));
    expectOk(await backend.initialize({}));
  });
  afterEach(() => backend.shutdown());

  it('makes real tmux sessions on its own socket, attachable from outside', async () => {
    const s = expectOk(await backend.createSession({ sessionId: 'visible', cwd: '/tmp' }));
    expect(tmux(backend.socket, 'list-sessions', '-F', '#{session_name}')).toContain('visible\n');
    expect(s.panes).toEqual([expect.stringMatching(/^%\d+$/)]);
  });

  it('keeps split panes apart: each has its own shell, state and commands', async () => {
    const s = expectOk(await backend.createSession());
    const right = expectOk(await backend.splitPane(s.id, { direction: 'horizontal', percent: 40 }));
    expect(expectOk(await backend.listSessions()).find((x) => x.id === s.id)?.panes).toEqual([
      s.panes[0],
      right,
    ]);
    const [a, b] = await Promise.all([
      backend.executeCommand(s.id, 'cd /usr && sleep 0.2 && echo left', s.panes[0]),
      backend.executeCommand(s.id, 'cd /tmp && echo right', right),
    ]);
    expect(expectOk(a)).toMatchObject({ output: 'left\n', cwd: '/usr', paneId: s.panes[0] });
    expect(expectOk(b)).toMatchObject({ output: 'right\n', cwd: '/tmp', paneId: right });
    expectOk(await backend.closePane(s.id, right));
    const gone = await backend.executeCommand(s.id, 'true', right);
    expect(!gone.ok && gone.error.code).toBe('PANE_NOT_FOUND');
  });

  it('sends a batch in one round trip and answers listings from its cache', async () => {
    const s = expectOk(await backend.createSession());
    // The shell finishes starting first (its bootstrap is typed in two steps: echo off, then the hooks).
    expectOk(await backend.executeCommand(s.id, 'true'));
    const client = (
      backend as unknown as {
        client: { sendKeys: (...a: unknown[]) => void; command: (...a: unknown[]) => unknown };
      }
    ).client;
    const sendKeys = jest.spyOn(client, 'sendKeys');
    const command = jest.spyOn(client, 'command');
    const runs = expectOk(
      await backend.executeBatch(s.id, ['echo a', 'echo b', 'false', 'echo "d e"', 'pwd']),
    );
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 1, 0, 0]);
    expect(runs.map((r) => r.output).join('')).toMatch(/^a\nb\nd e\n\//);
    expect(sendKeys).toHaveBeenCalledTimes(1);
    const before = command.mock.calls.length;
    const listing = backend.listSessions();
    expect(command.mock.calls.length).toBe(before); // answered from the map tmux's notifications keep true
    expect(expectOk(await listing).map((x) => x.id)).toContain(s.id);
  });

  it('captures scrollback beyond the visible screen', async () => {
    const s = expectOk(await backend.createSession({ rows: 10 }));
    expectOk(await backend.executeCommand(s.id, 'seq 1 500'));
    const all = expectOk(await backend.capture(s.id));
    expect(all).toContain('1\n2\n3\n');
    expect(all).toContain('499\n500\n');
    expect(expectOk(await backend.capture(s.id, undefined, { lines: 2 }))).toBe('499\n500\n');
  });

  it('reports `exit 3` with its status, and the session closes', async () => {
    const closed = new Promise((resolve) => backend.once('session-closed', resolve));
    const s = expectOk(await backend.createSession());
    expect(expectOk(await backend.executeCommand(s.id, 'exit 3'))).toMatchObject({
      status: 'completed',
      exitCode: 3,
    });
    expect(await closed).toMatchObject({ sessionId: s.id, reason: 'exited' });
    const after = await backend.executeCommand(s.id, 'true');
    expect(!after.ok && after.error.code).toBe('SESSION_NOT_FOUND');
  });

  it('notices a session killed from outside vth', async () => {
    const s = expectOk(await backend.createSession({ sessionId: 'doomed' }));
    const closed = new Promise((resolve) => backend.once('session-closed', resolve));
    tmux(backend.socket, 'kill-session', '-t', '=doomed');
    expect(await closed).toMatchObject({ sessionId: s.id });
    expect(expectOk(await backend.listSessions()).map((x) => x.id)).not.toContain('doomed');
  });

  it('lets no session name, command text or input inject tmux or shell commands (hostile strings)', async () => {
    const s = expectOk(await backend.createSession());
    const hostile = fc.string({
      unit: fc.oneof(
        fc.constantFrom(
          "'",
          '"',
          ';',
          '\n',
          '\\',
          '$',
          '`',
          '#{pane_id}',
          '\x1b]6973;E;',
          '\x07',
          '\x03',
          '\x04',
          '\r',
          '~',
        ),
        fc.string({ unit: 'binary', maxLength: 3 }),
      ),
      maxLength: 60,
    });
    const samples = [
      "'; kill-server; '",
      '"; kill-server; "',
      '\nkill-server\n',
      '\\; kill-server',
      ...fc.sample(
        hostile.filter((v) => !v.includes('\0')),
        40,
      ),
    ];
    for (const text of samples) {
      const run = expectOk(await backend.executeCommand(s.id, `printf '%s' ${ansiCQuote(text)}`));
      expect(run.output).toBe(text);
    }
    // Names with tmux syntax never reach tmux: they are refused first.
    for (const id of ["a'b", 'a;b', 'a b', '$x', 'a:b', 'a.b']) {
      const r = await backend.createSession({ sessionId: id });
      expect(!r.ok && r.error.code).toBe('INVALID_INPUT');
    }
    // The server runs exactly what it ran before: our session and the control session.
    expect(tmux(backend.socket, 'list-sessions', '-F', '#{session_name}').trim().split('\n').sort()).toEqual(
      [s.id, `vth-ctl-${backend.id}`].sort(),
    );
  });

  it('takes a 1 MiB command and sends large input in pieces tmux accepts', async () => {
    const s = expectOk(await backend.createSession());
    const big = `echo ${'x'.repeat(1024 * 1024 - 20)} | wc -c`;
    expect(expectOk(await backend.executeCommand(s.id, big)).output.trim()).toBe(
      String(1024 * 1024 - 20 + 1),
    );
    // Lines under the terminal's 4095-byte line limit, each starting with "-" (tmux would take a piece of
    // typed keys that starts with "-" for flags); 300 KB in all, so it goes in many pieces.
    const line = `-${'y'.repeat(998)}\n`;
    const reading = backend.executeCommand(s.id, 'wc -c');
    expectOk(await backend.sendInput(s.id, `${line.repeat(300)}\x04`));
    expect(expectOk(await reading).output.trim()).toBe(String(line.length * 300));
  });

  it('fails in-flight commands at once when the tmux server dies, turns unhealthy, and can start again', async () => {
    // (a generous Jest timeout below: the test waits for real processes to die)
    const s = expectOk(await backend.createSession());
    const health = new Promise((resolve) => backend.once('health-changed', resolve));
    const running = backend.executeCommand(s.id, 'echo started; sleep 30');
    await until(async () => expectOk(await backend.capture(s.id)).includes('started'));
    tmux(backend.socket, 'kill-server');
    const r = await running;
    expect(!r.ok && r.error).toMatchObject({ code: 'BACKEND_CRASHED', dispatched: true });
    expect(await health).toMatchObject({ current: { status: 'unhealthy' } });
    expect((await backend.getHealth()).status).toBe('unhealthy');
    const refused = await backend.createSession();
    expect(!refused.ok && refused.error.code).toBe('UNAVAILABLE');
    expectOk(await backend.initialize({}));
    const again = expectOk(await backend.createSession());
    expect(expectOk(await backend.executeCommand(again.id, 'echo back')).output).toBe('back\n');
  });

  it('restarts a control client that dies; sessions survive', async () => {
    const s = expectOk(await backend.createSession());
    expectOk(await backend.executeCommand(s.id, 'export KEPT=yes'));
    const health = await backend.getHealth();
    const clientPids = execFileSync('pgrep', ['-f', '--', `-S ${backend.socket} -f /dev/null -C`], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .map(Number)
      .filter((pid) => pid !== health.details?.['serverPid']);
    expect(clientPids.length).toBeGreaterThan(0);
    for (const pid of clientPids) process.kill(pid, 'SIGKILL');
    expect(
      await until(async () => {
        const r = await backend.executeCommand(s.id, 'echo "$KEPT"', undefined, { timeoutMs: 2000 });
        return r.ok && r.value.output === 'yes\n';
      }, 10_000),
    ).toBe(true);
  }, 30_000);

  it('answers every call with a result while a dead control client is being replaced (never a throw)', async () => {
    const s = expectOk(await backend.createSession());
    const serverPid = (await backend.getHealth()).details?.['serverPid'];
    const clients = () =>
      execFileSync('pgrep', ['-f', '--', `-S ${backend.socket} -f /dev/null -C`], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map(Number)
        .filter((pid) => pid !== serverPid);
    const [old] = clients();
    process.kill(old!, 'SIGKILL');
    // Calls on every turn until the new client answers: some of them land while there is no client at all.
    const outcomes: string[] = [];
    for (let replaced = false; !replaced;) {
      const settled = await Promise.allSettled([
        backend.createSession(),
        backend.capture(s.id),
        backend.resize(s.id, 100, 30),
        backend.splitPane(s.id),
      ]);
      for (const r of settled)
        outcomes.push(
          r.status === 'rejected' ? `threw ${String(r.reason)}` : r.value.ok ? 'ok' : r.value.error.code,
        );
      replaced =
        clients().some((pid) => pid !== old) && settled.every((r) => r.status === 'fulfilled' && r.value.ok);
    }
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'UNAVAILABLE' && o !== 'BACKEND_CRASHED')).toEqual([]);
  }, 30_000);

  it('fails a command whose output was lost with a dead control client as dispatched, and recovers', async () => {
    const s = expectOk(await backend.createSession());
    const running = backend.executeCommand(s.id, 'sleep 30');
    // The command runs once the pane's foreground program is sleep: its output can only be lost from then on.
    const foreground = () =>
      tmux(backend.socket, 'display-message', '-p', '-t', s.panes[0]!, '#{pane_current_command}').trim();
    expect(await until(() => foreground() === 'sleep', 10_000)).toBe(true);
    const serverPid = (await backend.getHealth()).details?.['serverPid'];
    for (const pid of execFileSync('pgrep', ['-f', '--', `-S ${backend.socket} -f /dev/null -C`], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .map(Number)) {
      if (pid !== serverPid) process.kill(pid, 'SIGKILL');
    }
    const r = await running;
    expect(!r.ok && r.error).toMatchObject({ code: 'BACKEND_CRASHED', dispatched: true });
    // The pane answers BUSY (its shell may still run the command) until interrupt() resynchronises it.
    const busy = await backend.executeCommand(s.id, 'echo ok');
    expect(!busy.ok && busy.error.code).toBe('BUSY');
    expectOk(await backend.interrupt(s.id));
    expect(
      await until(async () => {
        const next = await backend.executeCommand(s.id, 'echo ok', undefined, { timeoutMs: 2000 });
        return next.ok && next.value.output === 'ok\n';
      }, 10_000),
    ).toBe(true);
  }, 30_000);

  it('uses a socket someone else owns without ending their sessions', async () => {
    const shared = `/tmp/vth-shared-${process.pid}`;
    tmux(shared, '-f', '/dev/null', 'new-session', '-d', '-s', 'theirs', 'tail -f /dev/null');
    try {
      const guest = track(new TmuxBackend({ socketPath: shared }));
      expectOk(await guest.initialize({}));
      const s = expectOk(await guest.createSession());
      expect(expectOk(await guest.executeCommand(s.id, 'echo guest')).output).toBe('guest\n');
      await guest.shutdown();
      expect(tmux(shared, 'list-sessions', '-F', '#{session_name}').trim()).toBe('theirs');
    } finally {
      tmux(shared, 'kill-server');
      rmSync(shared, { force: true });
    }
  });
});

describe('tmux plugin through the factory', () => {
  it('probes tmux -V and creates a working backend', async () => {
    const factory = new BackendFactory({ plugins: [plugin] });
    expect(expectOk(await factory.checkPlatform('tmux'))).toMatchObject({ ok: true });
    const backend = expectOk(await factory.create('tmux', { cols: 100 }));
    try {
      track(backend as TmuxBackend);
      const s = expectOk(await backend.createSession());
      expect(expectOk(await backend.executeCommand(s.id, 'tput cols')).output).toBe('100\n');
    } finally {
      await backend.shutdown();
    }
  });

  it('reports a missing tmux as UNAVAILABLE with an install hint', async () => {
    const factory = new BackendFactory({ plugins: [plugin] });
    const r = await factory.create('tmux', { tmuxPath: '/nonexistent/tmux' });
    expect(!r.ok && r.error.code).toBe('UNAVAILABLE');
    if (!r.ok) expect(r.error.message).toMatch(/apt-get install tmux/);
  });
});

describe('tmux security controls (per backend instance)', () => {
  let dir: string;
  let backend: ITerminalBackend;
  const sink = new MemoryAuditSink();
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vth-sec-'));
    backend = createTmuxBackend({
      security: {
        rateLimit: { perUser: { capacity: 3, refillPerSecond: 0.001 } },
        audit: { file: join(dir, 'audit.jsonl') },
      },
      policy: denyPatterns([/\btouch\b.*forbidden/], 'no forbidden files'),
      auditSink: sink,
    });
    const inner = (backend as unknown as { inner?: TmuxBackend }).inner;
    if (inner) track(inner);
    expectOk(await backend.initialize({}));
  });
  afterAll(async () => {
    await backend.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a denied command before dispatch: FORBIDDEN, nothing runs, audited', async () => {
    const s = expectOk(await backend.createSession());
    const target = join(dir, 'forbidden');
    const r = await backend.executeCommand(s.id, `touch ${target}`, undefined, {
      userId: 'mallory',
      requestId: 'r1',
    });
    expect(!r.ok && r.error).toMatchObject({ code: 'FORBIDDEN', dispatched: false });
    expect(existsSync(target)).toBe(false);
    expect(sink.records.find((x: AuditRecord) => x.requestId === 'r1')).toMatchObject({
      outcome: 'denied',
      userId: 'mallory',
      sessionId: s.id,
    });
  });

  it('rate-limits per user with a retry-after, and audits every command with who, where, what and how it ended', async () => {
    const s = expectOk(await backend.createSession());
    const ctx = { userId: 'alice', source: 'voice', requestId: 'a1' };
    expectOk(
      await backend.executeCommand(
        s.id,
        'export API_TOKEN=sk-abcdefghijklmnopqrstuvwx; echo ok',
        undefined,
        ctx,
      ),
    );
    expectOk(await backend.executeCommand(s.id, 'false', undefined, { ...ctx, requestId: 'a2' }));
    expectOk(await backend.executeCommand(s.id, 'true', undefined, { ...ctx, requestId: 'a3' }));
    const limited = await backend.executeCommand(s.id, 'true', undefined, { ...ctx, requestId: 'a4' });
    expect(!limited.ok && limited.error).toMatchObject({ code: 'RATE_LIMITED', dispatched: false });
    if (!limited.ok) expect(limited.error.details?.['retryAfterMs']).toBeGreaterThan(0);
    // Other users have their own bucket.
    expectOk(await backend.executeCommand(s.id, 'true', undefined, { userId: 'bob' }));
    const mine = sink.records.filter((x: AuditRecord) => x.userId === 'alice');
    expect(mine.map((x) => [x.requestId, x.outcome, x.exitCode])).toEqual([
      ['a1', 'completed', 0],
      ['a2', 'completed', 1],
      ['a3', 'completed', 0],
      ['a4', 'rate-limited', null],
    ]);
    expect(mine[0]).toMatchObject({
      source: 'voice',
      sessionId: s.id,
      paneId: s.panes[0],
      backendType: 'tmux',
    });
    expect(mine[0]!.command).not.toContain('sk-abcdefghijklmnopqrstuvwx');
    await (backend as unknown as { guard: { close(): Promise<void> } }).guard.close();
    const file = readFileSync(join(dir, 'audit.jsonl'), 'utf8');
    expect(file).not.toContain('sk-abcdefghijklmnopqrstuvwx');
    expect(
      file
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).requestId),
    ).toEqual(expect.arrayContaining(['r1', 'a1', 'a2', 'a3', 'a4']));
  });
});

describe('tmux security keys are the one security layer', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vth-sec-rules-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A backend from `create`, initialized, with one session; shut down after `use`. */
  async function withBackend(
    backend: ITerminalBackend,
    use: (sessionId: string) => Promise<void>,
  ): Promise<void> {
    const inner = (backend as unknown as { inner?: TmuxBackend }).inner;
    track(inner ?? (backend as TmuxBackend));
    expectOk(await backend.initialize({}));
    try {
      await use(expectOk(await backend.createSession({ cwd: dir })).id);
    } finally {
      await backend.shutdown();
    }
  }

  it('enforces command rules given in JSON alone (security.commands), with no other control', async () => {
    const backend = createTmuxBackend({
      security: { commands: { rules: [{ name: 'no-touch', program: 'touch', reason: 'read-only' }] } },
    });
    await withBackend(backend, async (s) => {
      const target = join(dir, 'rules-only');
      const r = await backend.executeCommand(s, `touch ${target}`);
      expect(!r.ok && r.error).toMatchObject({ code: 'FORBIDDEN', dispatched: false });
      expect(expectOk(await backend.executeCommand(s, 'echo ok')).output).toBe('ok\n');
      expect(existsSync(target)).toBe(false);
    });
  });

  it('does the same through the factory, with the "dangerous" preset', async () => {
    const factory = new BackendFactory({ plugins: [plugin] });
    const created = await factory.create('tmux', { security: { commands: { preset: 'dangerous' } } });
    await withBackend(expectOk(created), async (s) => {
      const backend = expectOk(created);
      // No such program: harmless if it ran, and the preset's `mkfs.*` matches it.
      const r = await backend.executeCommand(s, 'mkfs.vthtest /dev/sdz');
      expect(!r.ok && r.error.code).toBe('FORBIDDEN');
    });
  });

  it('refuses bad security settings with INVALID_CONFIG naming the path', () => {
    let thrown: unknown;
    try {
      createTmuxBackend({ security: { commands: {} } });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('config.security.commands: must name a preset or at least one rule'),
    });
  });
});
