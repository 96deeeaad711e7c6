import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABELS, ownerTag, plugin as containerPlugin } from '@vth/backend-container';
import { plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { BackendFactory } from '@vth/factory';
import { expectOk, pollUntil } from '@vth/testkit';
import { BackendManager, type SessionMigratedEvent } from '../src';

const IMAGE = process.env['VTH_TEST_IMAGE'] ?? 'local/vth-sandbox:1';
const ENSURE_DOCKER = join(__dirname, '../../../tools/scripts/ensure-docker.sh');

function dockerdPid(): number | undefined {
  try {
    const pid = Number(readFileSync('/var/run/docker.pid', 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/**
 * Stops the real Docker Engine as an operator would (SIGTERM: it stops its containers and exits), then
 * starts it again the way `npm test` does. Runs as root on the test machine, like the engine itself.
 */
describe('failover with real backends: the Docker Engine stops and comes back', () => {
  let manager: BackendManager;

  afterAll(async () => {
    await manager?.shutdown();
    // Whatever happened above, the engine runs again for the tests after this one.
    if (dockerdPid() === undefined) execFileSync('bash', [ENSURE_DOCKER], { stdio: 'ignore' });
  }, 120_000);

  it('moves container sessions to node-pty, then takes the engine back once it answers', async () => {
    manager = new BackendManager({
      factory: new BackendFactory({ plugins: [containerPlugin, nodePtyPlugin] }),
    });
    expectOk(
      await manager.initialize({
        backends: [
          { type: 'container', id: 'ctr', config: { image: IMAGE } },
          { type: 'node-pty', id: 'pty' },
        ],
        strategy: 'primary-fallback',
        probe: { intervalMs: 250, timeoutMs: 5000 },
        health: { consecutiveFailures: 2, baseEjectionMs: 500, recoveryProbes: 2 },
      }),
    );
    const migrated: SessionMigratedEvent[] = [];
    manager.on('session-migrated', (e) => migrated.push(e));
    const ejected = new Promise((resolve) => manager.once('backend-ejected', resolve));

    const sessions: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = expectOk(await manager.createSession({ env: { WHICH: `s${i}` } }));
      expect(manager.backendOf(s.id)).toBe('ctr');
      expectOk(await manager.executeCommand(s.id, 'export MARK=kept'));
      sessions.push(s.id);
    }
    const pid = dockerdPid();
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGTERM');
    await pollUntil(
      () => dockerdPid(),
      (p) => p === undefined,
      { timeoutMs: 60_000, intervalMs: 100 },
    );

    // Every session lives on, on the host, with its environment (a container's /workspace is not there).
    await pollUntil(
      () => migrated.length,
      (n) => n === sessions.length,
      { timeoutMs: 30_000 },
    );
    await ejected;
    for (const [i, id] of sessions.entries()) {
      expect(manager.backendOf(id)).toBe('pty');
      const r = expectOk(await manager.executeCommand(id, 'echo "$WHICH $MARK"'));
      expect(r.output).toBe(`s${i} kept\n`);
    }
    for (const e of migrated) expect(e).toMatchObject({ from: 'ctr', to: 'pty', reason: 'crashed' });
    const meanwhile = expectOk(await manager.createSession());
    expect(manager.backendOf(meanwhile.id)).toBe('pty');

    // The engine comes back: probes pass, the backend is back in rotation and takes new sessions.
    const recovered = new Promise((resolve) => manager.once('backend-recovered', resolve));
    execFileSync('bash', [ENSURE_DOCKER], { stdio: 'ignore' });
    await recovered;
    const fresh = expectOk(await manager.createSession());
    expect(manager.backendOf(fresh.id)).toBe('ctr');
    expect(
      expectOk(await manager.executeCommand(fresh.id, 'cat /etc/hostname >/dev/null && pwd')).output,
    ).toBe('/workspace\n');
    expect(manager.getMetrics().backends['ctr']!.health.ejections).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it('leaves no container behind once shut down, the ones the stopping engine could not remove included', async () => {
    await manager.shutdown();
    const ours = () =>
      execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=${LABELS.owner}=${ownerTag()}`], {
        encoding: 'utf8',
      }).trim();
    expect(await pollUntil(ours, (ids) => ids === '', { timeoutMs: 10_000 })).toBe('');
  }, 30_000);
});
