import { BackendFactory } from '@vth/factory';
import { expectOk } from '@vth/testkit';
import { createFakePlugin } from '../testing';
import { BackendInstances } from './backend-instances';

const spec = { type: 'fake', config: {}, weight: 1 };

describe('BackendInstances', () => {
  it('names each instance after its member and hands it to the member', async () => {
    const fakes = createFakePlugin();
    const instances = new BackendInstances(new BackendFactory({ plugins: [fakes.plugin] }), () => false);
    const created = await instances.createBackend(spec, 'tmux', () => true);
    const backend = expectOk(created!);
    expect(backend.id).toMatch(/^tmux-/);
    expect(fakes.instances[0]!.initialized).toBe(true);
  });

  it('shuts down at once an instance its member refuses, or that arrives while the manager stops', async () => {
    const fakes = createFakePlugin();
    let stopping = false;
    const instances = new BackendInstances(new BackendFactory({ plugins: [fakes.plugin] }), () => stopping);
    expect(await instances.createBackend(spec, 'a', () => false)).toBeUndefined();
    const late = instances.createBackend(spec, 'b', () => true);
    stopping = true;
    expect(await late).toBeUndefined();
    await instances.settled();
    expect(fakes.instances.map((b) => b.initialized)).toEqual([false, false]);
  });

  it('settles only once every creation and every shutdown in flight has ended', async () => {
    const fakes = createFakePlugin();
    const instances = new BackendInstances(new BackendFactory({ plugins: [fakes.plugin] }), () => false);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const backend = expectOk((await instances.createBackend(spec, 'a', () => true))!);
    const shutdown = backend.shutdown.bind(backend);
    backend.shutdown = async () => {
      await gate;
      await shutdown();
    };
    void instances.closeBackend(backend);
    let settled = false;
    const settling = instances.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    release();
    await settling;
    expect(fakes.instances[0]!.initialized).toBe(false);
  });

  it('counts a backend whose shutdown throws as shut down', async () => {
    const instances = new BackendInstances(new BackendFactory({ plugins: [] }), () => false);
    const broken = { shutdown: () => Promise.reject(new Error('boom')) } as never;
    await expect(instances.closeBackend(broken)).resolves.toBeUndefined();
    await instances.settled();
  });
});
