import { fail, ok, type BackendResult, type ITerminalBackend } from '@vth/core';
import { type CircuitBreakerPolicy } from 'cockatiel';
import { type BackendSpec } from '../backend-spec';
import { type BackendHealthTracker } from '../health/backend-health';
import { type MemberGroup } from './member-group';

/** What a member needs of the sessions pinned to it: their id on its backend. */
export interface PinnedSession {
  readonly innerId: string;
}

/** Why a backend is being emptied (the `reason` of its sessions' `session-migrated` events). */
export type DrainReason = 'drain' | 'backend-removed' | 'hot-swap' | 'experiment-stopped';

/**
 * How a member empties: `move` each session as soon as nothing runs in it, or let sessions end by
 * themselves (`finish`); `target`, where its sessions should go first (a hot swap's replacement).
 */
export interface DrainIntent<S extends PinnedSession> {
  readonly mode: 'move' | 'finish';
  readonly reason: DrainReason;
  readonly target?: PoolMember<S> | undefined;
}

/** An exclusive operation on a member (a drain, a removal, a swap), held until `release`. */
export interface Lease {
  readonly what: string;
  /** Ends the operation; a second call does nothing. */
  release(): void;
}

export interface PoolMemberInit {
  id: string;
  spec: BackendSpec;
  group: MemberGroup;
  order: number;
  tracker: BackendHealthTracker;
  /** A fresh circuit breaker: each instance of the backend starts with its own. */
  newBreaker: () => CircuitBreakerPolicy;
}

/**
 * One backend of the pool: its running instance, circuit breaker and health, the sessions pinned to it,
 * and its state, changed only through named transitions: `adopt`/`retire` (instances), `beginDrain`/
 * `undrain` and `holdBack`/`admit` (rotation), `lease` (one exclusive operation at a time). Any number of
 * operations may wait for its sessions to leave (`whenSessionLeaves`): none replaces another's hook.
 *
 * @example
 * ```ts
 * const drain = member.lease('drain');
 * if (drain.ok) {
 *   member.beginDrain({ mode: 'move', reason: 'drain' });
 *   const stop = member.whenSessionLeaves(() => member.sessions.size === 0 && done());
 * }
 * ```
 */
export class PoolMember<S extends PinnedSession> {
  readonly type: string;
  readonly spec: BackendSpec;
  /** The main pool or an experiment variant's. */
  readonly group: MemberGroup;
  /** Position in the pool: what primary-fallback follows. */
  readonly order: number;
  private name: string;
  private health: BackendHealthTracker;
  private circuit: CircuitBreakerPolicy;
  private readonly newBreaker: () => CircuitBreakerPolicy;
  private instance: ITerminalBackend | undefined;
  private detach: () => void = noop;
  private readonly pins = new Set<S>();
  private readonly byInnerId = new Map<string, S>();
  private readonly leaveListeners = new Set<() => void>();
  private drainIntent: DrainIntent<S> | undefined;
  private verifying = false;
  private leasedFor: string | undefined;
  private isRetired = false;

  constructor(init: PoolMemberInit) {
    this.name = init.id;
    this.type = init.spec.type;
    this.spec = init.spec;
    this.group = init.group;
    this.order = init.order;
    this.health = init.tracker;
    this.newBreaker = init.newBreaker;
    this.circuit = init.newBreaker();
  }

  /** Stable but for one case: a hot swap's replacement takes the id of the backend it replaced. */
  get id(): string {
    return this.name;
  }

  get tracker(): BackendHealthTracker {
    return this.health;
  }

  get breaker(): CircuitBreakerPolicy {
    return this.circuit;
  }

  /** The running instance; `undefined` while it could not be created (probes keep trying) and once retired. */
  get backend(): ITerminalBackend | undefined {
    return this.instance;
  }

  /** Removed from the pool: nothing may start on it any more. */
  get retired(): boolean {
    return this.isRetired;
  }

  /** Takes no new sessions: drained, a replacement not verified yet, or retired. */
  get draining(): boolean {
    return this.drainIntent !== undefined || this.verifying || this.isRetired;
  }

  /** How it empties, while drained. */
  get drain(): DrainIntent<S> | undefined {
    return this.drainIntent;
  }

  /** The exclusive operation running on it, if any. */
  get busyWith(): string | undefined {
    return this.leasedFor;
  }

  /** Sessions pinned to it. */
  get sessions(): ReadonlySet<S> {
    return this.pins;
  }

  /** The pinned session with this id on its backend. */
  sessionOf(innerId: string): S | undefined {
    return this.byInnerId.get(innerId);
  }

  /** Takes a new instance (with a fresh breaker); returns the one it replaces, for the caller to shut down. */
  adopt(backend: ITerminalBackend, detach: () => void): ITerminalBackend | undefined {
    const previous = this.instance;
    this.detach();
    this.instance = backend;
    this.detach = detach;
    if (previous) this.circuit = this.newBreaker();
    return previous;
  }

  /** Leaves the pool for good; returns its instance, for the caller to shut down. */
  retire(): ITerminalBackend | undefined {
    this.isRetired = true;
    const instance = this.instance;
    this.detach();
    this.detach = noop;
    this.instance = undefined;
    return instance;
  }

  /** A swap's replacement takes the id (and the health record) of the backend it replaced. */
  rename(id: string, tracker: BackendHealthTracker): void {
    this.name = id;
    this.health = tracker;
  }

  pin(session: S): void {
    this.pins.add(session);
    this.byInnerId.set(session.innerId, session);
  }

  /** `false` when it was not pinned here. Tells every waiting operation. */
  unpin(session: S): boolean {
    if (!this.pins.delete(session)) return false;
    if (this.byInnerId.get(session.innerId) === session) this.byInnerId.delete(session.innerId);
    this.sessionLeft();
    return true;
  }

  /** At shutdown: every session is gone at once; operations waiting for them end. */
  unpinAll(): void {
    this.pins.clear();
    this.byInnerId.clear();
    this.sessionLeft();
  }

  /** Calls `listener` whenever a session leaves, until the returned function is called. */
  whenSessionLeaves(listener: () => void): () => void {
    const entry = (): void => listener();
    this.leaveListeners.add(entry);
    return () => void this.leaveListeners.delete(entry);
  }

  /**
   * Out of rotation, emptying as `intent` says. Over a drain already running, `move` wins over `finish`:
   * a drain waiting for sessions to move away must not be stranded by a later request to let them finish.
   */
  beginDrain(intent: DrainIntent<S>): void {
    const current = this.drainIntent;
    const keep = current?.mode === 'move' && intent.mode === 'finish';
    const chosen = keep ? current : intent;
    this.drainIntent = { ...chosen, target: chosen.target ?? (keep ? intent.target : current?.target) };
  }

  /** Back in rotation after a drain. */
  undrain(): void {
    this.drainIntent = undefined;
  }

  /** Out of rotation until `admit`: a replacement that has not proved itself yet. */
  holdBack(): void {
    this.verifying = true;
  }

  admit(): void {
    this.verifying = false;
  }

  /** Starts an exclusive operation; `BUSY` while another runs. */
  lease(what: string): BackendResult<Lease> {
    if (this.leasedFor !== undefined) {
      return fail('BUSY', `backend ${this.id} is already in a ${this.leasedFor}`, { dispatched: false });
    }
    this.leasedFor = what;
    let held = true;
    return ok({
      what,
      release: () => {
        if (!held) return;
        held = false;
        this.leasedFor = undefined;
      },
    });
  }

  private sessionLeft(): void {
    for (const listener of [...this.leaveListeners]) listener();
  }
}

function noop(): void {
  // No instance attached: nothing to detach.
}
