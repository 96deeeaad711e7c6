import { plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { BackendFactory } from '@vth/factory';
import { BackendManager } from '@vth/manager';
import { expectOk, watchOutput } from '@vth/testkit';
import { plugin as remotePlugin } from './plugin';
import { startChildServer, type ChildServer } from './test-support/child-server.fixture';

function nextEvent<T>(manager: BackendManager, name: string): Promise<T> {
  return new Promise((resolve) => manager.once(name as never, ((e: T) => resolve(e)) as never));
}

describe('a manager over a remote backend and a local one', () => {
  let server: ChildServer;
  let manager: BackendManager;

  beforeEach(async () => {
    server = await startChildServer();
    manager = new BackendManager({ factory: new BackendFactory({ plugins: [remotePlugin, nodePtyPlugin] }) });
    expectOk(
      await manager.initialize({
        strategy: 'primary-fallback',
        backends: [
          { type: 'remote', id: 'far', config: { url: server.url } },
          { type: 'node-pty', id: 'near', config: { killGraceMs: 200 } },
        ],
        probe: { enabled: false },
      } as never),
    );
  }, 30_000);

  afterEach(async () => {
    await manager.shutdown();
    await server.kill();
  }, 30_000);

  it('moves the sessions of a killed server to the local backend with their cwd and environment', async () => {
    const s = expectOk(await manager.createSession({ env: { FROM_START: 'yes' } }));
    expect(manager.backendOf(s.id)).toBe('far');
    expectOk(await manager.executeCommand(s.id, 'export TOKEN="a b" && cd /tmp'));
    const moved = nextEvent<{ sessionId: string; from: string; to: string; reason: string }>(
      manager,
      'session-migrated',
    );
    await server.kill();
    expect(await moved).toEqual(
      expect.objectContaining({ sessionId: s.id, from: 'far', to: 'near', reason: 'crashed' }),
    );
    expect(manager.backendOf(s.id)).toBe('near');
    const here = expectOk(await manager.executeCommand(s.id, 'echo "$TOKEN|$FROM_START" && pwd'));
    expect(here.output).toBe('a b|yes\n/tmp\n');
  });

  it('a command running on the killed server fails dispatched (never run twice); the session then answers locally', async () => {
    const s = expectOk(await manager.createSession());
    expect(manager.backendOf(s.id)).toBe('far');
    const moved = nextEvent(manager, 'session-migrated');
    const watch = watchOutput();
    const running = manager.executeCommand(s.id, 'echo started; sleep 30', undefined, {
      onOutput: watch.onOutput,
    });
    await watch.waitFor('started', 20_000);
    await server.kill();
    const failed = await running;
    if (failed.ok)
      throw new Error(`the command answered "${failed.value.status}" after its server was killed`);
    expect(failed.error.dispatched).toBe(true);
    await moved;
    expect(manager.backendOf(s.id)).toBe('near');
    expect(expectOk(await manager.executeCommand(s.id, 'echo here')).output).toBe('here\n');
  });
});
