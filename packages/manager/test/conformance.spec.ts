import { plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { listTmuxProcesses, plugin as tmuxPlugin, type TmuxBackend } from '@vth/backend-tmux';
import { BackendFactory } from '@vth/factory';
import { describeBackendConformance } from '@vth/testkit';
import { BackendManager } from '../src';

/** Sockets of the tmux servers the managers of this file started: what a leak would hold on to. */
const sockets = new Set<string>();

function tmuxManager(): BackendManager {
  const manager = new BackendManager({
    factory: new BackendFactory({ plugins: [tmuxPlugin] }),
    config: { backends: [{ type: 'tmux', config: { interruptGraceMs: 500, killGraceMs: 300 } }] },
  });
  const initialize = manager.initialize.bind(manager);
  manager.initialize = async (config) => {
    const result = await initialize(config);
    for (const b of manager.backends()) {
      const socket = (manager.instanceOf(b.id) as TmuxBackend | undefined)?.socket;
      if (socket) sockets.add(socket);
    }
    return result;
  };
  return manager;
}

/** tmux servers and clients on those sockets, and whatever runs in their panes. */
async function listTmuxLeaks(): Promise<string[]> {
  return listTmuxProcesses(sockets);
}

describeBackendConformance({
  name: 'manager over node-pty',
  create: () =>
    new BackendManager({
      factory: new BackendFactory({ plugins: [nodePtyPlugin] }),
      config: { backends: [{ type: 'node-pty', config: { interruptGraceMs: 500, killGraceMs: 300 } }] },
    }),
});

describeBackendConformance({
  name: 'manager over tmux',
  create: tmuxManager,
  listLeaks: listTmuxLeaks,
});
