import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { plugin as tmuxPlugin } from '@vth/backend-tmux';
import { BackendFactory } from '@vth/factory';
import { expectOk, listDescendantProcesses, pollUntil } from '@vth/testkit';
import { BackendManager, type BackendSpecInput } from '../src';

const SESSIONS = 50;
/** Commands each session runs before the swap starts, and at least after it ended. */
const BEFORE = 3;
const AFTER = 3;

const cases: Array<[string, BackendSpecInput, string]> = [
  // New settings: a bigger history and another terminal width; still tmux.
  ['tmux -> tmux with new settings', { type: 'tmux', config: { historyLimit: 5000, cols: 132 } }, 'tmux 132'],
  ['tmux -> node-pty', { type: 'node-pty' }, 'none 120'],
];

describe.each(cases)('hot swap under load with real backends: %s', (_title, replacement, after) => {
  const log = `/tmp/vth-swap-${randomBytes(6).toString('hex')}.log`;
  let manager: BackendManager;

  afterAll(async () => {
    await manager?.shutdown();
    rmSync(log, { force: true });
  });

  it(`keeps ${SESSIONS} sessions running commands in a loop through the swap: none fails, none runs twice`, async () => {
    manager = new BackendManager({ factory: new BackendFactory({ plugins: [tmuxPlugin, nodePtyPlugin] }) });
    expectOk(await manager.initialize({ backends: [{ type: 'tmux', id: 'shell', config: { cols: 80 } }] }));
    const sessions: string[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const s = expectOk(await manager.createSession());
      expectOk(await manager.executeCommand(s.id, `export SID=${i}; cd /tmp`));
      sessions.push(s.id);
    }

    const failures: string[] = [];
    const done = new Array<number>(SESSIONS).fill(0);
    const doneAfterSwap = new Array<number>(SESSIONS).fill(0);
    let swapEnded = false;
    const loop = async (index: number, sessionId: string): Promise<void> => {
      for (let n = 0; !(swapEnded && doneAfterSwap[index]! >= AFTER); n++) {
        const id = `c${index}-${n}`;
        const r = await manager.executeCommand(sessionId, `echo ${id} >> ${log}; echo "${id} $SID $(pwd)"`);
        if (!r.ok) failures.push(`${id}: ${r.error.code} ${r.error.message}`);
        else if (r.value.output !== `${id} ${index} /tmp\n` || r.value.exitCode !== 0)
          failures.push(`${id}: ${JSON.stringify(r.value.output)} exit ${r.value.exitCode}`);
        done[index]!++;
        if (swapEnded) doneAfterSwap[index]!++;
      }
    };
    const loops = sessions.map((id, i) => loop(i, id));
    await pollUntil(
      () => Math.min(...done),
      (n) => n >= BEFORE,
      { timeoutMs: 60_000, intervalMs: 5 },
    );

    const swapped = await manager.hotSwap('shell', replacement);
    swapEnded = true;
    await Promise.all(loops);
    const report = expectOk(swapped);

    expect(failures).toEqual([]);
    expect(report).toMatchObject({
      backendId: 'shell',
      replacement: 'shell',
      moved: SESSIONS,
      forced: 0,
      lost: 0,
    });
    // Each command's line is in the log exactly once: nothing ran twice, nothing was lost.
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const total = done.reduce((a, b) => a + b, 0);
    expect(lines).toHaveLength(total);
    expect(new Set(lines).size).toBe(total);
    // Every session now runs on the replacement, with its state.
    for (const id of sessions) {
      const r = expectOk(
        await manager.executeCommand(id, 'echo "$([ -n "$TMUX" ] && echo tmux || echo none) $(tput cols)"'),
      );
      expect(r.output).toBe(`${after}\n`);
    }
    expect(manager.backends().map((b) => [b.id, b.type])).toEqual([['shell', replacement.type]]);
    console.log(
      `${_title}: ${SESSIONS} sessions moved in ${report.durationMs.toFixed(0)} ms (start to old backend gone), ` +
        `${total} commands, none failed`,
    );
  }, 120_000);

  it('leaves no process behind after shutdown', async () => {
    await manager.shutdown();
    expect(
      await pollUntil(
        () => listDescendantProcesses(),
        (l) => l.length === 0,
        { timeoutMs: 5000 },
      ),
    ).toEqual([]);
  });
});

describe('a hot swap whose replacement fails its probes, with real backends', () => {
  let manager: BackendManager;
  afterAll(async () => {
    await manager?.shutdown();
  });

  it('is rolled back and reported; the old backend keeps serving its sessions', async () => {
    manager = new BackendManager({ factory: new BackendFactory({ plugins: [tmuxPlugin, nodePtyPlugin] }) });
    expectOk(await manager.initialize({ backends: [{ type: 'tmux', id: 'shell' }] }));
    const failed: string[] = [];
    manager.on('swap-failed', (e) => failed.push(e.reason));
    const s = expectOk(await manager.createSession());
    expectOk(await manager.executeCommand(s.id, 'export KEEP=1'));
    // Starts, but its shell exits at once: no probe session can be opened.
    const r = await manager.hotSwap('shell', { type: 'node-pty', config: { shell: '/bin/false' } });
    expect(!r.ok && r.error).toMatchObject({ code: 'UNAVAILABLE', dispatched: false });
    expect(!r.ok && r.error.message).toMatch(/hot swap of shell rolled back: the replacement failed probe 1/);
    expect(failed).toHaveLength(1);
    expect(manager.backends().map((b) => [b.id, b.type, b.draining])).toEqual([['shell', 'tmux', false]]);
    expect(expectOk(await manager.executeCommand(s.id, 'echo "$KEEP ${TMUX:+tmux}"')).output).toBe(
      '1 tmux\n',
    );
    expect(manager.backendOf(expectOk(await manager.createSession()).id)).toBe('shell');
    await manager.shutdown();
    expect(
      await pollUntil(
        () => listDescendantProcesses(),
        (l) => l.length === 0,
        { timeoutMs: 5000 },
      ),
    ).toEqual([]);
  }, 60_000);
});
