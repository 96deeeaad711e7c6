import { ansiCQuote } from '@vth/shell-integration';
import { expectOk } from '@vth/testkit';
import { listTmuxLeaks, running, tmux, track } from '../test/tmux-fixtures';
import { TmuxBackend } from './tmux-backend';
import { listTmuxProcesses } from './tmux-processes';

/** Makes a session print `lines` (protocol look-alikes) and waits until its pane shows them. */
async function print(backend: TmuxBackend, sessionId: string, lines: string[]): Promise<void> {
  const text = lines.join('\n') + '\n';
  expectOk(await backend.executeCommand(sessionId, `printf '%s' ${ansiCQuote(text)}`));
}

describe('a session whose output looks like tmux control-mode protocol', () => {
  jest.setTimeout(30_000);

  let backend: TmuxBackend;
  beforeEach(async () => {
    backend = track(new TmuxBackend({ waitForShell: true, commandTimeoutMs: 3000 }));
    expectOk(await backend.initialize({}));
  });
  afterEach(async () => {
    await backend.shutdown();
    expect(await listTmuxLeaks()).toEqual([]);
  });

  it('cannot make the backend answer UNAVAILABLE by printing %end and %exit (then capture)', async () => {
    const attacker = expectOk(await backend.createSession());
    const victim = expectOk(await backend.createSession());
    await print(backend, attacker.id, ['%end 1 1 1', '%exit pwned']);
    const captured = expectOk(await backend.capture(attacker.id));
    expect(captured).toContain('%end 1 1 1\n%exit pwned\n');
    expect(expectOk(await backend.executeCommand(victim.id, 'echo ok')).output).toBe('ok\n');
    expect(expectOk(await backend.executeCommand(attacker.id, 'echo ok')).output).toBe('ok\n');
    expect((await backend.getHealth()).status).toBe('healthy');
    const socket = backend.socket;
    await backend.shutdown();
    expect(listTmuxProcesses([socket])).toEqual([]);
  });

  it("cannot answer another caller's tmux command with a forged reply block (5 tries)", async () => {
    const attacker = expectOk(await backend.createSession());
    const attackerPane = attacker.panes[0]!;
    const attackerShell = expectOk(await backend.executeCommand(attacker.id, 'echo $$')).output;
    const [windowId, pid, tty] = tmux(
      backend.socket,
      'display-message',
      '-p',
      '-t',
      attackerPane,
      '#{window_id} #{pane_pid} #{pane_tty}',
    )
      .trim()
      .split(' ');
    // A long history makes the capture reply long, so the next command is queued behind it.
    expectOk(await backend.executeCommand(attacker.id, 'seq 1 3000'));
    const forged = [];
    for (let n = 0; n < 20; n++) {
      forged.push(`%end 1 ${n} 1`, `%begin 1 ${n} 1`, `${windowId} ${attackerPane} ${pid} ${tty}`);
      forged.push(`$0 ${windowId} ${attackerPane} ${pid} ${tty}`, `%end 1 ${n} 1`);
    }
    await print(backend, attacker.id, forged);
    for (let i = 0; i < 5; i++) {
      const [captured, victim] = await Promise.all([backend.capture(attacker.id), backend.createSession()]);
      expect(expectOk(captured)).toContain(forged.join('\n'));
      const v = expectOk(victim);
      expect(v.panes[0]).not.toBe(attackerPane);
      const shell = expectOk(await backend.executeCommand(v.id, 'echo $$')).output;
      expect(shell).not.toBe(attackerShell);
      expect(tmux(backend.socket, 'display-message', '-p', '-t', v.panes[0]!, '#{pane_pid}')).toBe(shell);
    }
  });

  it('delivers a NUL typed with sendInput as a NUL byte, and the session stays usable', async () => {
    const s = expectOk(await backend.createSession());
    const reading = backend.executeCommand(s.id, 'od -An -tx1');
    expectOk(await backend.sendInput(s.id, 'a\0b\0\0c\n\x04'));
    expect(expectOk(await reading).output.trim()).toBe('61 00 62 00 00 63 0a');
    // Typed at the prompt: the shell gets the line (and ignores the NUL); the next command runs.
    expectOk(await backend.sendInput(s.id, 'a\0b\n'));
    expect(expectOk(await backend.executeCommand(s.id, 'echo ok')).output).toBe('ok\n');
  });

  it('keeps a session that renames itself through $TMUX (vth knows it by its tmux id, not its name)', async () => {
    const s = expectOk(await backend.createSession());
    expectOk(await backend.executeCommand(s.id, 'tmux rename-session renamed'));
    // Any change of panes makes the backend compare its sessions with tmux's.
    const other = expectOk(await backend.createSession());
    expectOk(await backend.destroySession(other.id));
    expect(expectOk(await backend.listSessions()).map((x) => x.id)).toContain(s.id);
    expect(expectOk(await backend.executeCommand(s.id, 'echo still')).output).toBe('still\n');
  });

  it('ends a server of its own that no longer answers, by pid, and everything in it', async () => {
    const s = expectOk(await backend.createSession());
    const shell = Number(expectOk(await backend.executeCommand(s.id, 'echo $$')).output);
    const serverPid = Number((await backend.getHealth()).details?.['serverPid']);
    expect(serverPid).toBeGreaterThan(0);
    const socket = backend.socket;
    process.kill(serverPid, 'SIGSTOP');
    await backend.shutdown();
    expect(listTmuxProcesses([socket])).toEqual([]);
    expect([serverPid, shell].filter(running)).toEqual([]);
  });
});

describe("a tmux pane's history", () => {
  jest.setTimeout(30_000);

  it("never shows the session's secret: the bootstrap is typed only once echo is off", async () => {
    const backend = track(new TmuxBackend({ waitForShell: true }));
    expectOk(await backend.initialize({}));
    try {
      const s = expectOk(await backend.createSession());
      expectOk(await backend.executeCommand(s.id, 'echo visible'));
      // The whole history as tmux holds it (what a person attached to the pane, or any process that can reach
      // the server, would see), and vth's own capture of it.
      const history = tmux(backend.socket, 'capture-pane', '-p', '-J', '-S', '-', '-t', s.panes[0]!);
      const captured = expectOk(await backend.capture(s.id));
      expect(history).toContain('visible');
      // Only the first line, which turns echo off, is ever echoed: none of the hooks that hold the nonce.
      for (const text of [history, captured]) expect(text).not.toContain('__vth');
    } finally {
      await backend.shutdown();
    }
    expect(await listTmuxLeaks()).toEqual([]);
  });
});
