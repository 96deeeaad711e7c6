import { plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { plugin as tmuxPlugin } from '@vth/backend-tmux';
import { MEMORY_CAPABILITIES, memoryPlugin, type MemoryBackend } from '@vth/backend-kit/testing';
import { ok, type BackendPlugin, type ITerminalBackend } from '@vth/core';
import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { type ManagerConfigInput } from './manager-config';

jest.setTimeout(30_000);

/** Memory backends that can pause: each call is logged as `<op> <session>`. */
function pausingPlugin(type: string, log: string[]) {
  return memoryPlugin({
    type,
    capabilities: { ...MEMORY_CAPABILITIES, flowControl: true },
    configure: (b: MemoryBackend) =>
      Object.assign(b, {
        pauseOutput: async (id: string) => (log.push(`pause ${id}`), ok()),
        resumeOutput: async (id: string) => (log.push(`resume ${id}`), ok()),
      }),
  });
}

async function started(plugins: BackendPlugin[], config: ManagerConfigInput): Promise<BackendManager> {
  const manager = new BackendManager({ factory: new BackendFactory({ plugins }) });
  expectOk(await manager.initialize({ probe: { enabled: false }, ...config }));
  return manager;
}

/** Sessions until one lands on each named backend (round-robin places them in turn). */
async function oneOn(manager: BackendManager, ...backendIds: string[]): Promise<Record<string, string>> {
  const placed: Record<string, string> = {};
  for (let i = 0; i < backendIds.length * 3 && Object.keys(placed).length < backendIds.length; i++) {
    const s = expectOk(await manager.createSession());
    placed[manager.backendOf(s.id)!] ??= s.id;
  }
  expect(Object.keys(placed).sort()).toEqual([...backendIds].sort());
  return placed;
}

describe('flow control through a manager (in-memory backends)', () => {
  it('forwards pauseOutput and resumeOutput to the backend holding the session', async () => {
    const log: string[] = [];
    const manager = await started([pausingPlugin('flow', log)], {
      backends: [
        { type: 'flow', id: 'a' },
        { type: 'flow', id: 'b' },
      ],
      strategy: 'round-robin',
    });
    try {
      expect(manager.capabilities.flowControl).toBe(true);
      const placed = await oneOn(manager, 'a', 'b');
      expectOk(await manager.pauseOutput(placed.b!));
      expectOk(await manager.resumeOutput(placed.a!));
      expect(log).toEqual([`pause ${placed.b}`, `resume ${placed.a}`]);
      expect(await manager.pauseOutput('no-such-session')).toMatchObject({
        ok: false,
        error: { code: 'SESSION_NOT_FOUND' },
      });
    } finally {
      await manager.shutdown();
    }
  });

  it.each([
    ['flow first', ['flow', 'plain']],
    ['flow last', ['plain', 'flow']],
  ])(
    'in a pool where not every backend can pause (%s): no pool capability; UNSUPPORTED per session',
    async (_order, types) => {
      const log: string[] = [];
      const manager = await started([pausingPlugin('flow', log), memoryPlugin({ type: 'plain' })], {
        backends: types.map((type) => ({ type, id: type })),
        strategy: 'round-robin',
      });
      try {
        expect(manager.capabilities.flowControl).not.toBe(true);
        const placed = await oneOn(manager, 'flow', 'plain');
        expectOk(await manager.pauseOutput(placed.flow!));
        expect(await manager.pauseOutput(placed.plain!)).toMatchObject({
          ok: false,
          error: { code: 'UNSUPPORTED', dispatched: false },
        });
        expect(await manager.resumeOutput(placed.plain!)).toMatchObject({
          ok: false,
          error: { code: 'UNSUPPORTED' },
        });
        expect(log).toEqual([`pause ${placed.flow}`]);
      } finally {
        await manager.shutdown();
      }
    },
  );
});

describe('flow control through a manager (real node-pty and tmux)', () => {
  it('pauses the node-pty session it holds, loses no byte on resume, and refuses on tmux', async () => {
    const manager = await started([nodePtyPlugin, tmuxPlugin], {
      backends: [
        { type: 'node-pty', id: 'pty' },
        { type: 'tmux', id: 'tmux' },
      ],
      strategy: 'round-robin',
    });
    try {
      expect(manager.capabilities.flowControl).not.toBe(true);
      const placed = await oneOn(manager, 'pty', 'tmux');
      const pty = manager.instanceOf('pty') as ITerminalBackend;
      const pause = jest.spyOn(pty, 'pauseOutput' as never);
      const resume = jest.spyOn(pty, 'resumeOutput' as never);
      expectOk(await manager.pauseOutput(placed.pty!));
      expect(pause).toHaveBeenCalledTimes(1);
      const run = manager.executeCommand(placed.pty!, "head -c 3000000 /dev/zero | tr '\\0' x; echo");
      expectOk(await manager.resumeOutput(placed.pty!));
      expect(resume).toHaveBeenCalledTimes(1);
      expect(expectOk(await run).output).toBe('x'.repeat(3_000_000) + '\n');
      expect(await manager.pauseOutput(placed.tmux!)).toMatchObject({
        ok: false,
        error: { code: 'UNSUPPORTED', dispatched: false },
      });
    } finally {
      await manager.shutdown();
    }
  });
});
