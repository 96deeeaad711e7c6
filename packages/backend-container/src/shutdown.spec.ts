import { expectOk } from '@vth/testkit';
import { docker, IMAGE } from '../test/docker-cli';
import { ContainerBackend } from './container-backend';
import { LABELS } from './container-spec';

jest.setTimeout(60_000);

describe('container backend shutdown', () => {
  it('resolves a second shutdown() called while the first runs only once every container is gone', async () => {
    const backend = new ContainerBackend({ image: IMAGE });
    expectOk(await backend.initialize({}));
    expectOk(await backend.createSession());
    const containers = () =>
      docker('ps', '-a', '--filter', `label=${LABELS.instance}=${backend.id}`, '--format', '{{.ID}}');
    expect(containers()).not.toBe('');
    const first = backend.shutdown();
    await backend.shutdown();
    expect(containers()).toBe('');
    await first;
  });
});
