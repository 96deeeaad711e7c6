import { type BackendResult, type ITerminalBackend } from '@vth/core';
import { BackendFactory } from '@vth/factory';
import { type TmuxBackend } from '@vth/backend-tmux';

interface Held {
  type: string;
  arrived: (backend: ITerminalBackend) => void;
  gate: Promise<void>;
}

/**
 * A real factory that remembers every backend it created and whether its `shutdown()` has completed, and
 * can hold a creation: the backend exists (a tmux server runs) but the caller does not have it yet, as
 * while a manager rebuilds or swaps in a backend.
 */
export class RecordingFactory extends BackendFactory {
  readonly created: ITerminalBackend[] = [];
  private readonly shutDown = new Set<ITerminalBackend>();
  private readonly held: Held[] = [];

  override async create(
    type: string,
    config?: unknown,
    options?: Parameters<BackendFactory['create']>[2],
  ): Promise<BackendResult<ITerminalBackend>> {
    const result = await super.create(type, config, options);
    if (!result.ok) return result;
    const backend = result.value;
    this.created.push(backend);
    const shutdown = backend.shutdown.bind(backend);
    backend.shutdown = async () => {
      await shutdown();
      this.shutDown.add(backend);
    };
    const index = this.held.findIndex((h) => h.type === type);
    if (index >= 0) {
      const [hold] = this.held.splice(index, 1);
      hold!.arrived(backend);
      await hold!.gate;
    }
    return result;
  }

  /** The next backend of `type` is created, then kept from its caller until `release()`. */
  holdNext(type: string): { created: Promise<ITerminalBackend>; release: () => void } {
    let arrived!: (backend: ITerminalBackend) => void;
    let release!: () => void;
    const created = new Promise<ITerminalBackend>((resolve) => (arrived = resolve));
    this.held.push({ type, arrived, gate: new Promise<void>((resolve) => (release = resolve)) });
    return { created, release };
  }

  /** Ids of the created backends whose `shutdown()` has not completed. */
  notShutDown(): string[] {
    return this.created.filter((b) => !this.shutDown.has(b)).map((b) => b.id);
  }

  /** The sockets of every tmux server a created backend started. */
  tmuxSockets(): string[] {
    return this.created.filter((b) => b.type === 'tmux').map((b) => (b as TmuxBackend).socket);
  }
}
