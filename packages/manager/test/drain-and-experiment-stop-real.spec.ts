import { plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { BackendFactory } from '@vth/factory';
import { expectOk, listDescendantProcesses, settleWithin } from '@vth/testkit';
import { BackendManager } from '../src';

/*
 * With real shells (node-pty): a drain and an experiment stop acting on the same backend of an experiment
 * each see its sessions leave, whichever started first; the stopped experiment's backend shuts down once
 * it is empty, and nothing is left running.
 */

let manager: BackendManager | undefined;

afterEach(async () => {
  await manager?.shutdown();
  manager = undefined;
  expect(await listDescendantProcesses()).toEqual([]);
});

async function withSessionInVariant(): Promise<{ m: BackendManager; sessionId: string; variant: string }> {
  const m = new BackendManager({ factory: new BackendFactory({ plugins: [nodePtyPlugin] }) });
  manager = m;
  expectOk(
    await m.initialize({
      backends: [{ type: 'node-pty', id: 'main' }],
      probe: { enabled: false },
      experiments: [
        {
          name: 'x',
          variants: [
            { name: 'control', weight: 0, backends: [{ type: 'node-pty' }] },
            { name: 'treatment', weight: 1, backends: [{ type: 'node-pty' }] },
          ],
        },
      ],
    }),
  );
  const s = expectOk(await m.createSession({ cwd: '/tmp' }, { userId: 'u1' }));
  expectOk(await m.executeCommand(s.id, 'export KEPT=yes'));
  const variant = m.backendOf(s.id)!;
  expect(variant).toBe('x.treatment.node-pty');
  return { m, sessionId: s.id, variant };
}

describe('a drain and an experiment stop on the same real backend', () => {
  it('drain first: the drain ends when the last session ends, and the backend shuts down', async () => {
    const { m, sessionId, variant } = await withSessionInVariant();
    const inner = m.instanceOf(variant)!;
    const draining = m.drain(variant, { mode: 'finish', timeoutMs: 600_000 });
    expectOk(await m.stopExperiment('x'));
    expectOk(await m.destroySession(sessionId));
    expect(await settleWithin(draining, 4_000)).toMatchObject({
      state: 'resolved',
      value: { ok: true, value: { backendId: variant, ended: 1, moved: 0, forced: 0 } },
    });
    expect(m.backends().map((b) => b.id)).toEqual(['main']);
    expect(inner.getMetrics().sessions.active).toBe(0);
  });

  it('stop first: a drain moves the session to the main pool once its command ends, and the backend shuts down', async () => {
    const { m, sessionId, variant } = await withSessionInVariant();
    expectOk(await m.stopExperiment('x'));
    expect(m.backends().map((b) => b.id)).toContain(variant);
    // Busy when the drain starts: it waits for a line, which comes once the drain runs.
    const started = new Promise((resolve) => m.once('command-started', resolve));
    const running = m.executeCommand(sessionId, 'read -r LINE; echo "got $LINE"');
    await started;
    const draining = m.drain(variant);
    expectOk(await m.sendInput(sessionId, 'go\n'));
    expect(expectOk(await running).output).toBe('got go\n');
    expect(expectOk(await draining)).toMatchObject({ moved: 1, forced: 0, lost: 0 });
    expect(m.backendOf(sessionId)).toBe('main');
    expect(m.backends().map((b) => b.id)).toEqual(['main']);
    expect(expectOk(await m.executeCommand(sessionId, 'echo "$KEPT $(pwd)"')).output).toBe('yes /tmp\n');
  });
});
