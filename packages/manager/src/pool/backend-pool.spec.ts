import { type ITerminalBackend } from '@vth/core';
import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { managerConfigSchema } from '../manager-config';
import { createFakePlugin, type FakeBackend, type FakePlugin } from '../testing';
import { BackendInstances } from './backend-instances';
import { BackendPool } from './backend-pool';
import { type PinnedSession, type PoolMember } from './pool-member';

type Member = PoolMember<PinnedSession>;

function setup(plugins: FakePlugin[] = [createFakePlugin()]) {
  const factory = new BackendFactory({ plugins: plugins.map((p) => p.plugin) });
  const instances = new BackendInstances(factory, () => false);
  const attached: Array<[string, ITerminalBackend]> = [];
  const failed: string[] = [];
  const left: string[] = [];
  let ready = true;
  const pool = new BackendPool<PinnedSession>({
    config: managerConfigSchema.parse({ backends: [{ type: 'fake' }] }),
    instances,
    ready: () => ready,
    pluginOf: (type) => factory.get(type),
    hooks: {
      attach: (m, backend) => {
        attached.push([m.id, backend]);
        return () => undefined;
      },
      startFailed: (m, reason) => failed.push(`${m.id}: ${reason}`),
      left: (m) => left.push(m.id),
    },
  });
  return { pool, instances, attached, failed, left, stop: () => (ready = false) };
}

const fake = (m: Member): FakeBackend => m.backend as FakeBackend;

describe('BackendPool', () => {
  it('starts a member through the factory, relays its instance, and retires it: shut down, gone', async () => {
    const { pool, attached, left } = setup();
    const a = pool.add('a', { type: 'fake', config: {}, weight: 1 }, pool.main);
    expectOk(await pool.start(a));
    expect(attached).toEqual([['a', a.backend]]);
    expect(fake(a).initialized).toBe(true);
    const instance = fake(a);
    await pool.retire(a);
    expect(instance.initialized).toBe(false);
    expect([a.retired, pool.get('a'), left]).toEqual([true, undefined, ['a']]);
  });

  it('leaves a member that cannot start out of rotation (startFailed), with the factory error named', async () => {
    const fakes = createFakePlugin();
    fakes.plugin.checkPlatform = async () => ({ ok: false, reason: 'engine down' });
    const { pool, failed } = setup([fakes]);
    const a = pool.add('a', { type: 'fake', config: {}, weight: 1 }, pool.main);
    const r = await pool.start(a);
    expect(!r.ok && r.error.backendId).toBe('a');
    expect(failed).toEqual([expect.stringMatching(/^a: it could not be started: .*engine down/)]);
    expect(a.backend).toBeUndefined();
  });

  it('knows what every member can do, recomputed when one joins or leaves', async () => {
    const plain = createFakePlugin('plain');
    const limited = createFakePlugin('limited');
    limited.plugin.capabilities = { ...limited.plugin.capabilities, resize: false, isolation: 'none' };
    plain.plugin.capabilities = { ...plain.plugin.capabilities, isolation: 'container' };
    const { pool } = setup([plain, limited]);
    pool.add('p', { type: 'plain', config: {}, weight: 1 }, pool.main);
    expect(pool.capabilities).toMatchObject({ resize: true, isolation: 'container' });
    const l = pool.add('l', { type: 'limited', config: {}, weight: 1 }, pool.main);
    expect(pool.capabilities).toMatchObject({ resize: false, isolation: 'none' });
    pool.forget(l);
    expect(pool.capabilities).toMatchObject({ resize: true, isolation: 'container' });
  });

  it('rebuilds a member only while no session is pinned to it; two rebuilds at once are one', async () => {
    const fakes = createFakePlugin();
    const { pool, instances } = setup([fakes]);
    const a = pool.add('a', { type: 'fake', config: {}, weight: 1 }, pool.main);
    expectOk(await pool.start(a));
    const first = fake(a);
    const pinned: PinnedSession = { innerId: 's1' };
    a.pin(pinned);
    expect(await pool.rebuild(a)).toBe(false);
    expect(a.backend).toBe(first);
    a.unpin(pinned);
    const [one, two] = await Promise.all([pool.rebuild(a), pool.rebuild(a)]);
    expect([one, two]).toEqual([true, true]);
    expect(fakes.instances).toHaveLength(2);
    expect(a.backend).toBe(fakes.instances[1]);
    await instances.settled();
    expect(first.initialized).toBe(false);
  });

  it('refuses a rebuilt instance once the manager stops, and shuts it down', async () => {
    const fakes = createFakePlugin();
    const { pool, instances, stop } = setup([fakes]);
    const a = pool.add('a', { type: 'fake', config: {}, weight: 1 }, pool.main);
    expectOk(await pool.start(a));
    const rebuilding = pool.rebuild(a);
    stop();
    expect(await rebuilding).toBe(false);
    await instances.settled();
    expect(fakes.instances[1]!.initialized).toBe(false);
    expect(fake(a)).toBe(fakes.instances[0]);
  });

  it('claims a member for one operation: unknown ids are INVALID_INPUT, a second claim BUSY', () => {
    const { pool } = setup();
    pool.add('a', { type: 'fake', config: {}, weight: 1 }, pool.main);
    const unknown = pool.claim('zz', 'drain');
    expect(!unknown.ok && unknown.error.message).toBe('no backend "zz" in the pool');
    const { lease } = expectOk(pool.claim('a', 'drain'));
    expect(!pool.claim('a', 'swap').ok).toBe(true);
    lease.release();
    expectOk(pool.claim('a', 'swap'));
  });

  it('hands a swap replacement the id (and a fresh health record) of the backend it replaced', () => {
    const { pool } = setup();
    const old = pool.add('a', { type: 'fake', config: {}, weight: 1 }, pool.main);
    const next = pool.add('a~next', { type: 'fake', config: {}, weight: 1 }, pool.main, old.order);
    pool.forget(old);
    pool.rename(next, 'a');
    expect(pool.get('a')).toBe(next);
    expect(pool.get('a~next')).toBeUndefined();
    expect(pool.main.pool.ids()).toEqual(['a']);
    expect(pool.main.pool.get('a')).toBe(next.tracker);
  });
});
