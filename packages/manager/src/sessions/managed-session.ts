import {
  fail,
  formatCommandHandle,
  parseCommandHandle,
  type BackendError,
  type BackendResult,
  type CommandExecution,
  type CreateSessionOptions,
  type ExecutionContext,
  type SessionInfo,
} from '@vth/core';
import { type Assignment } from '../experiments/experiment-set';
import { type PoolMember } from '../pool/pool-member';
import { SessionEnvironment } from '../session-environment';
import { SessionHandles } from './session-handles';

/** A backend of the pool, holding managed sessions. */
export type Member = PoolMember<ManagedSession>;

/**
 * `live`: routed; `moving`: being re-created elsewhere (live again, or closed); `closing`: destroySession
 * runs (live again if it fails); `closed`: gone.
 */
export type SessionState = 'live' | 'moving' | 'closing' | 'closed';

/** The identity of the caller that created a session (nothing of its call: no timeout, signal or callback). */
export type SessionOwner = Pick<ExecutionContext, 'userId' | 'source'>;

export interface ManagedSessionInit {
  id: string;
  member: Member;
  innerId: string;
  /** What createSession was given, without `sessionId`. */
  options: Omit<CreateSessionOptions, 'sessionId'>;
  key: string;
  /** Who created it: a move re-creates it as them (rate limits, audit, policy), never anonymously. */
  owner?: SessionOwner;
  panes: string[];
  cwd: string | undefined;
  assignment: Assignment | undefined;
}

/**
 * A session as the manager knows it: the id its caller uses, where it lives now, and what it takes to
 * re-create it elsewhere (options, working directory, environment, terminal size). Its state changes only
 * through `beginClosing`/`cancelClosing`, `beginMove`/`arrive`/`settle`, and `close`.
 *
 * @example
 * ```ts
 * const s = new ManagedSession({ id, member, innerId: info.id, options, key, panes: info.panes, cwd, assignment });
 * s.pinTo(member);
 * s.beginMove(() => migrate(s)); // live -> moving; `s.move` settles when it ends
 * ```
 */
export class ManagedSession {
  readonly id: string;
  readonly createdAt = Date.now();
  readonly options: Omit<CreateSessionOptions, 'sessionId'>;
  /** The caller's key for strategies that hash (user id, else the session id). */
  readonly key: string;
  /** Who created it (see `ManagedSessionInit.owner`). */
  readonly owner: SessionOwner;
  readonly environment: SessionEnvironment;
  /** The pane ids the caller knows (those of the first backend). */
  readonly panes: readonly string[];
  /** The experiment variant it was assigned to, if any. */
  readonly assignment: Assignment | undefined;
  /** Last working directory the shell reported. */
  cwd: string | undefined;
  cols: number | undefined;
  rows: number | undefined;
  /** Why it ended, when a move failed: what later calls answer. */
  lostError: BackendError | undefined;
  private host: Member;
  private inner: string;
  private current: SessionState = 'live';
  private moving: Promise<BackendResult<void>> | undefined;
  private moveCount = 0;
  /** The handles of its long commands (see `SessionHandles`). */
  readonly handles = new SessionHandles();
  private calls = 0;
  /** After a move to a backend with other pane ids: caller's pane id -> pane id there, and back. */
  private paneToInner: Map<string, string> | undefined;
  private paneToOuter: Map<string, string> | undefined;

  constructor(init: ManagedSessionInit) {
    this.id = init.id;
    this.host = init.member;
    this.inner = init.innerId;
    this.options = init.options;
    this.key = init.key;
    this.owner = init.owner ?? {};
    this.panes = init.panes;
    this.assignment = init.assignment;
    this.environment = new SessionEnvironment(init.options.env);
    this.cwd = init.cwd ?? init.options.cwd;
    this.cols = init.options.cols;
    this.rows = init.options.rows;
  }

  /** The backend it is pinned to. */
  get member(): Member {
    return this.host;
  }

  /** Its id on that backend (the same as `id` unless a move had to pick another). */
  get innerId(): string {
    return this.inner;
  }

  get state(): SessionState {
    return this.current;
  }

  /** Settles when a move ends (ok: calls may go on; error: the session is gone). */
  get move(): Promise<BackendResult<void>> | undefined {
    return this.moving;
  }

  /** Times it moved. */
  get moves(): number {
    return this.moveCount;
  }

  /** Calls running now. */
  get inFlight(): number {
    return this.calls;
  }

  /** Did it move (or start moving) since it had moved `moves` times? */
  movedSince(moves: number): boolean {
    return this.moveCount !== moves || this.moving !== undefined;
  }

  callStarted(): void {
    this.calls++;
  }

  /** A yielded command runs in it: it counts as a call in flight until `releaseHold` (or a move). */
  hold(commandId: string): void {
    this.handles.add(commandId, this.moveCount);
    if (this.handles.holder !== undefined || this.handles.endedBefore(commandId)) return;
    this.handles.holder = commandId;
    this.calls++;
  }

  /** The yielded command `commandId` ended; true when the session is idle now. */
  releaseHold(commandId: string): boolean {
    if (this.handles.holder !== commandId) {
      this.handles.ended(commandId);
      return false;
    }
    this.handles.holder = undefined;
    return this.callEnded();
  }

  /** True when it was the last call running: the session is idle. */
  callEnded(): boolean {
    return --this.calls === 0;
  }

  pinTo(member: Member): void {
    this.host = member;
    member.pin(this);
  }

  /** Leaves its backend (which tells whoever waits for its sessions to leave). */
  unpin(): void {
    this.host.unpin(this);
  }

  /** live -> closing; false in any other state. */
  beginClosing(): boolean {
    if (this.current !== 'live') return false;
    this.current = 'closing';
    return true;
  }

  /** closing -> live: its backend refused to destroy it. */
  cancelClosing(): void {
    if (this.current === 'closing') this.current = 'live';
  }

  /** live -> moving, while `run` re-creates it elsewhere. */
  beginMove(run: () => Promise<BackendResult<void>>): void {
    this.current = 'moving';
    this.moving = run().then((r) => {
      this.moving = undefined;
      return r;
    });
  }

  /** While moving: it exists on `member` now, as `info` (routing follows once it `settle`s). */
  arrive(member: Member, info: Pick<SessionInfo, 'id' | 'panes'>): void {
    this.inner = info.id;
    this.moveCount++;
    // The yielded command died with the old shell: it holds the session no more.
    if (this.handles.holder !== undefined) {
      this.handles.holder = undefined;
      this.calls--;
    }
    const known = this.panes[0];
    const first = info.panes[0];
    if (first !== undefined && (known !== first || this.panes.length > 1)) {
      this.paneToInner = new Map(known === undefined ? [] : [[known, first]]);
      this.paneToOuter = new Map(known === undefined ? [] : [[first, known]]);
    } else {
      this.paneToInner = undefined;
      this.paneToOuter = undefined;
    }
    this.pinTo(member);
  }

  /** moving -> live, in `cwd`. */
  settle(cwd: string | undefined): void {
    this.cwd = cwd;
    this.current = 'live';
  }

  /** What calls for it answer once it has ended. */
  ended(): BackendResult<never> {
    return fail('SESSION_NOT_FOUND', `session ${this.id} has ended`, { dispatched: false });
  }

  /** -> closed; false when it was closed already. */
  close(): boolean {
    if (this.current === 'closed') return false;
    this.current = 'closed';
    return true;
  }

  /** The pane id its backend knows for the caller's `paneId`. */
  innerPane(paneId: string | undefined): string | undefined {
    return paneId === undefined || !this.paneToInner ? paneId : (this.paneToInner.get(paneId) ?? paneId);
  }

  /** The pane id the caller knows for its backend's `paneId`. */
  outerPane(paneId: string): string {
    return this.paneToOuter?.get(paneId) ?? paneId;
  }

  /** Does the backend's view of it need translating for the caller? */
  get translated(): boolean {
    return this.inner !== this.id || this.paneToOuter !== undefined;
  }

  /** Its `SessionInfo` as the caller sees it (of manager `managerId`), from its backend's if there is one. */
  info(managerId: string, fresh: SessionInfo | undefined): SessionInfo {
    const cwd = fresh?.cwd ?? this.cwd;
    const panes = fresh ? fresh.panes.map((p) => this.outerPane(p)) : [...this.panes];
    return {
      id: this.id,
      backendId: managerId,
      createdAt: this.createdAt,
      ...(cwd === undefined ? {} : { cwd }),
      panes,
      alive: this.current !== 'closed' && (fresh?.alive ?? true),
      ...(this.options.labels ? { labels: this.options.labels } : {}),
    };
  }

  /** A command's execution as the caller sees it. */
  execution(managerId: string, e: CommandExecution): CommandExecution {
    const paneId = this.outerPane(e.paneId);
    const translated = { ...e, sessionId: this.id, paneId, backendId: managerId };
    if (e.handle === undefined) return translated;
    const inner = parseCommandHandle(e.handle);
    const commandId = inner.ok ? inner.value.commandId : e.id;
    return { ...translated, handle: formatCommandHandle({ sessionId: this.id, paneId, commandId }) };
  }
}
