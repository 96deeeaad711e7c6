import { type CreateSessionOptions, type ITerminalBackend, type SessionInfo } from '@vth/core';
import { expectOk } from './helpers';
import { type SuiteContext } from './suite-context';

/** The backend of one `describe` block and the sessions its tests create. */
export interface BackendHandle {
  /** The block's backend (created and initialized in `beforeAll`, shut down in `afterAll`). */
  backend(): ITerminalBackend;
  /** Creates a session that is destroyed after the current test; returns its info. */
  newSessionInfo(options?: CreateSessionOptions): Promise<SessionInfo>;
  /** Same as `newSessionInfo`, returning the id. */
  newSession(options?: CreateSessionOptions): Promise<string>;
  /** Destroys the given session after the current test, whoever created it. */
  cleanUp(sessionId: string): void;
}

/**
 * One backend per `describe` block: registers the block's `beforeAll` (create + initialize), `afterEach`
 * (destroy the test's sessions) and `afterAll` (let the leak probe look, then shut down). Call it directly
 * inside the `describe` callback.
 */
export function useBackend(ctx: SuiteContext, label: string): BackendHandle {
  let instance: ITerminalBackend | undefined;
  const sessions = new Set<string>();

  ctx.api.beforeAll(async () => {
    instance = await ctx.newBackend();
  }, ctx.testTimeout);

  ctx.api.afterEach(async () => {
    const ids = [...sessions];
    sessions.clear();
    if (instance) await Promise.all(ids.map((id) => instance!.destroySession(id)));
  }, ctx.testTimeout);

  ctx.api.afterAll(async () => {
    if (!instance) return;
    await ctx.leaks.observe(label);
    await instance.shutdown();
    instance = undefined;
  }, ctx.testTimeout);

  const backend = () => {
    if (!instance) throw new Error(`the backend of "${label}" is not running (did its beforeAll fail?)`);
    return instance;
  };
  const handle: BackendHandle = {
    backend,
    async newSessionInfo(options) {
      const info = expectOk(
        await backend().createSession(options),
        `createSession(${JSON.stringify(options ?? {})})`,
      );
      sessions.add(info.id);
      return info;
    },
    async newSession(options) {
      return (await handle.newSessionInfo(options)).id;
    },
    cleanUp(sessionId) {
      sessions.add(sessionId);
    },
  };
  return handle;
}
