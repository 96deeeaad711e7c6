import { type BackendResult, type ITerminalBackend } from '@vth/core';
import { createId } from '@vth/core/kit';
import { type BackendFactory } from '@vth/factory';
import { type BackendSpec } from '../backend-spec';
import { secureBackend } from '../backend-spec';

/**
 * Every backend instance the manager has comes from `createBackend` and goes through `closeBackend`, so
 * `settled()` can wait for each creation and each shutdown in flight: nothing the manager created outlives
 * its `shutdown()`.
 *
 * @example
 * ```ts
 * const instances = new BackendInstances(factory, () => stopping);
 * const created = await instances.createBackend(spec, 'tmux', (backend) => slot.take(backend));
 * await instances.closeBackend(old);
 * await instances.settled();
 * ```
 */
export class BackendInstances {
  private readonly creating = new Set<Promise<unknown>>();
  private readonly closing = new Set<Promise<void>>();

  /** `refused()`: the manager is shutting down, every new instance is shut down at once. */
  constructor(
    private readonly factory: BackendFactory,
    private readonly refused: () => boolean,
  ) {}

  /**
   * Creates an instance of `spec` through the factory (its id: `<memberId>-<random>`) and hands it to
   * `adopt` as soon as it exists; one that `adopt` refuses (its slot was retired, the manager is shutting
   * down) is shut down at once. Resolves to the factory's result, or `undefined` when refused.
   */
  createBackend(
    spec: BackendSpec,
    memberId: string,
    adopt: (backend: ITerminalBackend) => boolean,
  ): Promise<BackendResult<ITerminalBackend> | undefined> {
    const creation = this.factory
      .create(spec.type, spec.config, { id: createId(memberId) })
      .then((created) => secureBackend(created, spec.security))
      .then((created) => {
        if (!created.ok || (!this.refused() && adopt(created.value))) return created;
        void this.closeBackend(created.value);
        return undefined;
      });
    this.creating.add(creation);
    const settled = (): void => void this.creating.delete(creation);
    creation.then(settled, settled);
    return creation;
  }

  /** Shuts an instance down; a backend whose shutdown throws counts as shut down. */
  closeBackend(backend: ITerminalBackend | undefined): Promise<void> {
    if (!backend) return Promise.resolve();
    const closing = Promise.resolve()
      .then(() => backend.shutdown())
      .catch(noop);
    this.closing.add(closing);
    void closing.then(() => this.closing.delete(closing));
    return closing;
  }

  /** Resolves once no creation and no shutdown is in flight (those that start meanwhile included). */
  async settled(): Promise<void> {
    while (this.creating.size > 0 || this.closing.size > 0) {
      await Promise.all([...this.creating, ...this.closing]);
    }
  }
}

function noop(): void {
  // A shutdown that failed: the instance is gone as far as the manager can tell.
}
