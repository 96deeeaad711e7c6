import { type ITerminalBackend } from '@vth/core';
import { subscribe } from '@vth/core/kit';
import { type SessionScreen } from './session-screen';

/** A terminal session opened through MCP. */
export interface OwnedSession {
  id: string;
  /** The MCP client (its MCP session) that opened it: the only one that may see or touch it. */
  clientId: string;
  createdAt: number;
  screen: SessionScreen;
}

/**
 * Every terminal session opened through one MCP server, with its owner and its rendered screen. One
 * listener on the backend for all clients: each session's output goes to its screen, and a session that
 * ends on its own (`exit` typed, a crash) leaves the table.
 *
 * @example
 * ```ts
 * const table = new SessionTable(backend);
 * table.add({ id, clientId, createdAt: Date.now(), screen: new SessionScreen(120, 32) });
 * table.owned('client-1'); // [...]
 * ```
 */
export class SessionTable {
  private readonly sessions = new Map<string, OwnedSession>();
  private readonly detach: () => void;

  constructor(backend: ITerminalBackend) {
    this.detach = subscribe(backend, {
      output: (e) => this.sessions.get(e.sessionId)?.screen.write(e.data),
      'session-closed': (e) => this.remove(e.sessionId),
    });
  }

  add(session: OwnedSession): void {
    this.sessions.set(session.id, session);
  }

  /** The session when `clientId` owns it; another client's session looks exactly like a missing one. */
  get(clientId: string, sessionId: string): OwnedSession | undefined {
    const found = this.sessions.get(sessionId);
    return found?.clientId === clientId ? found : undefined;
  }

  owned(clientId: string): OwnedSession[] {
    return [...this.sessions.values()].filter((s) => s.clientId === clientId);
  }

  remove(sessionId: string): void {
    const found = this.sessions.get(sessionId);
    if (!found) return;
    this.sessions.delete(sessionId);
    found.screen.dispose();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Stops listening; the sessions themselves are their clients' to close. */
  dispose(): void {
    this.detach();
    for (const id of [...this.sessions.keys()]) this.remove(id);
  }
}
