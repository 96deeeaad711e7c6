import { ok, type BackendResult, type ITerminalBackend, type SessionInfo } from '@vth/core';
import { type BackendProvider } from './backend-provider';

export interface SessionRequest {
  /** A backend type; default: the provider's choice. */
  backend?: string;
  /** Working directory of the shell; default: the backend's. */
  cwd?: string;
  /** Extra environment variables of the session's shell (`--env KEY=VALUE`). */
  env?: Record<string, string>;
}

export interface OpenedSession {
  backend: ITerminalBackend;
  session: SessionInfo;
}

/**
 * Creates the backend and one session in it, on behalf of a CLI command.
 *
 * @example
 * ```ts
 * const opened = await openSession(provider, { cwd: '/tmp' });
 * try { ... } finally { await closeSession(provider, opened.ok ? opened.value : undefined); }
 * ```
 */
export async function openSession(
  provider: BackendProvider,
  request: SessionRequest,
): Promise<BackendResult<OpenedSession>> {
  const backend = await provider.get(request.backend);
  if (!backend.ok) return backend;
  const session = await backend.value.createSession(
    {
      ...(request.cwd === undefined ? {} : { cwd: request.cwd }),
      ...(request.env === undefined ? {} : { env: request.env }),
    },
    { source: 'cli' },
  );
  if (!session.ok) return session;
  return ok({ backend: backend.value, session: session.value });
}

/**
 * Destroys the session, then shuts the backend down, so no shell outlives the CLI. A session that already
 * ended (`exit` typed in it) is fine: there is nothing left to destroy.
 */
export async function closeSession(
  provider: BackendProvider,
  opened: OpenedSession | undefined,
): Promise<void> {
  if (opened !== undefined) await opened.backend.destroySession(opened.session.id);
  await provider.shutdown();
}
