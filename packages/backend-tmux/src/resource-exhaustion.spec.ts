import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expectOk } from '@vth/testkit';
import { TmuxBackend } from './tmux-backend';
import { historyLines } from './session-commands';

const DRIVER = join(__dirname, '..', '..', '..', 'tools', 'test-support', 'backend-exhaustion-driver.cjs');
const DIST = join(__dirname, '..', 'dist');
const isRoot = process.getuid?.() === 0;
const hasUnshare = spawnSync('unshare', ['--version']).status === 0;

(isRoot && hasUnshare ? describe : describe.skip)('tmux when the machine runs out (needs root)', () => {
  it('a new session without a pseudo-terminal left is UNAVAILABLE with the cause, not INTERNAL', () => {
    // A private mount namespace whose /dev/pts holds 4 ptys: the backend's own tmux server starts in it.
    const mount =
      'mount -t devpts -o newinstance,max=4,ptmxmode=0666 devpts /dev/pts && ' +
      'mount --bind /dev/pts/ptmx /dev/ptmx && exec node "$@"';
    const out = execFileSync(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        mount,
        'sh',
        DRIVER,
        DIST,
        'TmuxBackend',
        '{"maxSessions":100}',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const run = JSON.parse(out.trim().split('\n').at(-1)!);
    // The control client holds one pty, so three sessions fit.
    expect(run.created).toBe(3);
    expect(run.error).toEqual({
      code: 'UNAVAILABLE',
      dispatched: false,
      message: expect.stringMatching(
        /No space left on device: no pseudo-terminal is left \(4 of 4 in use; the limit is the max= option of the \/dev\/pts mount\)/,
      ),
    });
  });
});

describe('tmux defaults that follow the machine', () => {
  it('history is a byte budget: history-limit is what historyBytes holds at the session width', async () => {
    expect(historyLines({ historyBytes: 4 * 1024 * 1024, cols: 120, historyLimit: undefined })).toBe(6721);
    expect(historyLines({ historyBytes: 4 * 1024 * 1024, cols: 120, historyLimit: 50_000 })).toBe(50_000);
    const backend = new TmuxBackend({ historyBytes: 1024 * 1024, cols: 100 });
    expectOk(await backend.initialize({}));
    try {
      const s = expectOk(await backend.createSession());
      const shown = expectOk(await backend.executeCommand(s.id, 'tmux show-options -gv history-limit'));
      expect(shown.output).toBe(`${Math.floor((1024 * 1024) / (100 * 5.2))}\n`);
    } finally {
      await backend.shutdown();
    }
  });

  it('refuses a session past maxSessions with BUSY naming the key to raise', async () => {
    const backend = new TmuxBackend({ maxSessions: 1 });
    expectOk(await backend.initialize({}));
    try {
      expectOk(await backend.createSession());
      const second = await backend.createSession();
      expect(second.ok).toBe(false);
      if (!second.ok) {
        expect(second.error.code).toBe('BUSY');
        expect(second.error.message).toContain('raise config.maxSessions');
      }
    } finally {
      await backend.shutdown();
    }
  });
});
