import { NODE_PTY_CAPABILITIES } from '@vth/backend-node-pty';
import { describeBackendConformance } from '@vth/testkit';
import { mirrorCapabilities, RemoteBackend } from './remote-backend';
import { startRemoteServer, type RemoteServer } from './test-support/remote-server.fixture';

let remote: RemoteServer;
beforeAll(async () => {
  remote = await startRemoteServer();
}, 30_000);
afterAll(() => remote.close(), 30_000);

describeBackendConformance({
  name: 'remote (vth serve over node-pty)',
  create: () => new RemoteBackend({ url: remote?.url ?? 'http://127.0.0.1:1' }),
  capabilities: mirrorCapabilities(NODE_PTY_CAPABILITIES),
});
