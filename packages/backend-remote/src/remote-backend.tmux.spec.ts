import { TMUX_CAPABILITIES, TmuxBackend } from '@vth/backend-tmux';
import { describeBackendConformance } from '@vth/testkit';
import { mirrorCapabilities, RemoteBackend } from './remote-backend';
import { startRemoteServer, type RemoteServer } from './test-support/remote-server.fixture';

let remote: RemoteServer;
beforeAll(async () => {
  remote = await startRemoteServer({ backend: new TmuxBackend({ interruptGraceMs: 500, killGraceMs: 300 }) });
}, 30_000);
afterAll(() => remote.close(), 30_000);

describeBackendConformance({
  name: 'remote (vth serve over tmux)',
  create: () => new RemoteBackend({ url: remote?.url ?? 'http://127.0.0.1:1' }),
  capabilities: mirrorCapabilities(TMUX_CAPABILITIES),
  // The tmux server is the remote server's; it outlives each remote backend's shutdown by design.
  listLeaks: async () => [],
});
