import {
  fail,
  ok,
  sessionIdSchema,
  type BackendError,
  type BackendResult,
  type ITerminalBackend,
} from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { type SessionMigratedEvent } from '@vth/manager';
import { nameSchema, sessionOptionsSchema } from './call-options';
import { type SelectedBackend } from './integration-backend';
import { SessionTable } from './session-table';
import { type TmuxSession } from './tmux-session';

/** The session `executeCommand` creates when there is no active session. */
export const DEFAULT_SESSION_NAME = 'default';

const refuse = (code: 'INVALID_INPUT' | 'BUSY' | 'SESSION_NOT_FOUND', message: string) =>
  fail(code, message, { dispatched: false });

/**
 * The session side of the legacy API over the selected backend: names, `maxSessions`, the table of known
 * sessions and the active one, and where each session's calls go. Answers results; the integration throws.
 */
export class IntegrationSessions {
  readonly table: SessionTable;
  /** Sessions being created right now, counted against `maxSessions`. */
  private pendingCreates = 0;
  private creatingDefault: Promise<string> | null = null;

  /**
   * `recreateLostSessions` ('reliability' mode): a session the manager re-creates is announced as created,
   * and closed sessions are kept meanwhile.
   */
  constructor(
    private readonly maxSessions: number | undefined,
    private readonly recreateLostSessions: boolean,
  ) {
    this.table = new SessionTable(recreateLostSessions);
  }

  /** Creates a session in the pool: `name` (default `session-<n>`) must be free, `maxSessions` not reached. */
  async create(
    selected: SelectedBackend,
    name: unknown,
    options: unknown,
  ): Promise<BackendResult<TmuxSession>> {
    const id = name === undefined ? ok(this.table.nextName()) : parseInput(nameSchema, name, 'name');
    if (!id.ok) return id;
    const opts = parseInput(sessionOptionsSchema, options ?? {}, 'options');
    if (!opts.ok) return opts;
    if (this.table.isOpen(id.value))
      return refuse('INVALID_INPUT', `a session named "${id.value}" already exists`);
    const max = this.maxSessions;
    if (max !== undefined && this.table.owned().length + this.pendingCreates >= max) {
      return refuse('BUSY', `this integration already holds its maximum of ${max} sessions (maxSessions)`);
    }
    const { userId, ...sessionOptions } = opts.value;
    this.pendingCreates++;
    try {
      const context = userId === undefined ? undefined : { userId };
      const created = await selected.pool.createSession({ sessionId: id.value, ...sessionOptions }, context);
      return created.ok ? ok(this.table.adopt(created.value)) : created;
    } finally {
      this.pendingCreates--;
    }
  }

  /** Destroys a session; it is forgotten (and no longer active) whatever the backend answers. */
  async kill(selected: SelectedBackend, id: unknown): Promise<BackendResult<void>> {
    const sessionId = parseInput(sessionIdSchema, id, 'id');
    if (!sessionId.ok) return sessionId;
    const destroyed = await this.route(selected, sessionId.value).destroySession(sessionId.value);
    this.table.removed(sessionId.value);
    return destroyed;
  }

  /** Every open session on the backend, also those others created there. */
  async list(selected: SelectedBackend): Promise<BackendResult<TmuxSession[]>> {
    const listed = await selected.backend.listSessions();
    if (!listed.ok) return listed;
    return ok(listed.value.filter((info) => info.alive !== false).map((info) => this.table.view(info)));
  }

  /** Makes a known session, or any open one on the backend, the active one. */
  async switchTo(selected: SelectedBackend, id: unknown): Promise<BackendResult<TmuxSession>> {
    const sessionId = parseInput(sessionIdSchema, id, 'id');
    if (!sessionId.ok) return sessionId;
    const known = this.table.info(sessionId.value);
    if (known !== undefined) return ok(this.table.activate(known));
    const listed = await selected.backend.listSessions();
    if (!listed.ok) return listed;
    const info = listed.value.find((s) => s.id === sessionId.value && s.alive !== false);
    if (info === undefined)
      return refuse('SESSION_NOT_FOUND', `no session "${sessionId.value}" on the backend`);
    return ok(this.table.activate(info));
  }

  /**
   * The active session, or 'default' when there is none: activated when open, else created once with
   * `create` (which throws when it cannot), also under concurrent calls.
   */
  async activeOrDefault(create: (name: string) => Promise<TmuxSession>): Promise<string> {
    const table = this.table;
    if (table.activeId !== null) return table.activeId;
    const existing = table.info(DEFAULT_SESSION_NAME);
    if (existing !== undefined) return table.activate(existing).id;
    this.creatingDefault ??= create(DEFAULT_SESSION_NAME)
      .then((s) => s.id)
      .finally(() => {
        this.creatingDefault = null;
      });
    const id = await this.creatingDefault;
    table.activeId ??= id;
    return table.activeId;
  }

  /** `sessionId`, checked, or the active session; `SESSION_NOT_FOUND` when there is none. */
  target(sessionId: unknown): BackendResult<string> {
    if (sessionId !== undefined) return parseInput(sessionIdSchema, sessionId, 'sessionId');
    if (this.table.activeId !== null) return ok(this.table.activeId);
    return refuse(
      'SESSION_NOT_FOUND',
      'there is no active session: create one with createSession() or pass a sessionId',
    );
  }

  /** Sessions the integration created live in its pool; any other session is the backend's. */
  route(selected: SelectedBackend, sessionId: string): ITerminalBackend {
    return this.table.isOwned(sessionId) ? selected.pool : selected.backend;
  }

  /**
   * A session of the pool got a new shell after its old one was lost (the manager re-created it): in
   * 'reliability' mode, the session to announce with `session-created`, as the legacy API does.
   */
  moved(event: SessionMigratedEvent): TmuxSession | undefined {
    if (this.recreateLostSessions) return this.table.recreated(event.sessionId, event.cwd);
    this.table.noteCwd(event.sessionId, event.cwd);
    return undefined;
  }

  /** Destroys every session the integration created; failures other than "gone already" go to `onError`. */
  async closeAll(selected: SelectedBackend, onError: (error: BackendError) => void): Promise<void> {
    await Promise.all(
      this.table.owned().map(async (s) => {
        const destroyed = await selected.pool.destroySession(s.id);
        if (!destroyed.ok && destroyed.error.code !== 'SESSION_NOT_FOUND') onError(destroyed.error);
      }),
    );
    this.table.clear();
  }
}
