import { BackendFactory } from '@vth/factory';
import { expectOk, settleWithin } from '@vth/testkit';
import { BackendManager } from './backend-manager';
import { type ManagerConfigInput } from './manager-config';
import { createFakePlugin, type FakePlugin } from './testing';

/*
 * A drain and an experiment stop can both act on one backend of an experiment: each waits for the
 * backend's sessions to leave. Neither may take the other's place: the drain ends when the backend is
 * empty, and the stopped experiment's backend goes once it is empty, whichever started first.
 */

const managers: BackendManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
});

/** A manager whose experiment `x` sends every user to its `treatment` variant, and one session there. */
async function withSessionInVariant(): Promise<{
  manager: BackendManager;
  fakes: FakePlugin;
  sessionId: string;
  variant: string;
}> {
  const fakes = createFakePlugin();
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [fakes.plugin] }) });
  managers.push(manager);
  const config: ManagerConfigInput = {
    backends: [{ type: 'fake', id: 'main' }],
    probe: { enabled: false },
    experiments: [
      {
        name: 'x',
        variants: [
          { name: 'control', weight: 0, backends: [{ type: 'fake' }] },
          { name: 'treatment', weight: 1, backends: [{ type: 'fake' }] },
        ],
      },
    ],
  };
  expectOk(await manager.initialize(config));
  const s = expectOk(await manager.createSession({}, { userId: 'u1' }));
  const variant = manager.backendOf(s.id)!;
  expect(variant).toBe('x.treatment.fake');
  return { manager, fakes, sessionId: s.id, variant };
}

describe('a drain and an experiment stop on the same backend', () => {
  it('drain first: the drain still ends when the last session leaves, and the backend goes', async () => {
    const { manager, sessionId, variant } = await withSessionInVariant();
    const draining = manager.drain(variant, { mode: 'finish', timeoutMs: 600_000 });
    expectOk(await manager.stopExperiment('x'));
    expectOk(await manager.destroySession(sessionId));
    const drained = await settleWithin(draining, 4_000);
    expect(drained).toMatchObject({
      state: 'resolved',
      value: { ok: true, value: { backendId: variant, ended: 1, moved: 0, forced: 0 } },
    });
    expect(manager.backends().map((b) => b.id)).not.toContain(variant);
  });

  it('stop first: the backend goes once a drain has moved its sessions away', async () => {
    const { manager, fakes, sessionId, variant } = await withSessionInVariant();
    expectOk(await manager.stopExperiment('x'));
    // Its session stays where it is: the backend waits for it.
    expect(manager.backends().map((b) => b.id)).toContain(variant);
    // Busy when the drain starts: it moves once its command has finished.
    const inner = fakes.byPoolId(variant)!;
    inner.hold();
    const running = manager.executeCommand(sessionId, 'echo busy');
    const draining = manager.drain(variant);
    inner.release();
    expect(expectOk(await running).output).toBe('busy\n');
    expect(expectOk(await draining)).toMatchObject({ moved: 1, ended: 0, forced: 0, lost: 0 });
    expect(manager.backendOf(sessionId)).toBe('main');
    expect(manager.backends().map((b) => b.id)).toEqual(['main']);
    expect(expectOk(await manager.executeCommand(sessionId, 'echo here')).output).toBe('here\n');
  });
});
