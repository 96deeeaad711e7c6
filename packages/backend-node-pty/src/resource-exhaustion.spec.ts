import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const DRIVER = join(__dirname, '..', '..', '..', 'tools', 'test-support', 'backend-exhaustion-driver.cjs');
const DIST = join(__dirname, '..', 'dist');
const isRoot = process.getuid?.() === 0;
const hasUnshare = spawnSync('unshare', ['--version']).status === 0;

/** Runs the driver in a private mount namespace whose /dev/pts holds at most `max` ptys. */
function withScarcePtys(max: number): {
  created: number;
  error: Record<string, unknown>;
  recovered: boolean;
} {
  const mount =
    `mount -t devpts -o newinstance,max=${max},ptmxmode=0666 devpts /dev/pts && ` +
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
      'NodePtyBackend',
      '{"maxSessions":100}',
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

function withFewDescriptors(limit: number): {
  created: number;
  error: Record<string, unknown>;
  recovered: boolean;
} {
  const out = execFileSync(
    'prlimit',
    [`--nofile=${limit}:${limit}`, 'node', DRIVER, DIST, 'NodePtyBackend', '{"maxSessions":100}'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

(isRoot && hasUnshare ? describe : describe.skip)('node-pty when the machine runs out (needs root)', () => {
  it('no pseudo-terminal left is UNAVAILABLE, not dispatched, saying which limit and what to do', () => {
    const run = withScarcePtys(4);
    expect(run.created).toBe(4);
    expect(run.error).toEqual({
      code: 'UNAVAILABLE',
      dispatched: false,
      message: expect.stringMatching(
        /^could not start \S+ on a pseudo-terminal \(forkpty\(3\) failed\.\): no pseudo-terminal is left \(4 of 4 in use; the limit is the max= option of the \/dev\/pts mount\): close sessions, or raise kernel\.pty\.max/,
      ),
    });
    // Not asserted here: that a pty freed by destroySession is reusable at once. In a devpts instance of
    // its own, node-pty itself does not get a pty back within seconds after a shell exits on SIGHUP
    // (raw node-pty, no vth, shows the same), so that is not this test's subject.
  });

  it('no file descriptor left is UNAVAILABLE, naming RLIMIT_NOFILE and ulimit -n', () => {
    const run = withFewDescriptors(48);
    expect(run.created).toBeGreaterThan(0);
    expect(run.error).toEqual({
      code: 'UNAVAILABLE',
      dispatched: false,
      message: expect.stringMatching(
        /file descriptors open \(RLIMIT_NOFILE\): close sessions, or raise the limit \(ulimit -n/,
      ),
    });
    expect(run.recovered).toBe(true);
  });
});
