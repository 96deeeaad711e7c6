import { type SessionInfo } from '@vth/core';
import { type TmuxSession } from './tmux-session';

/** What the integration remembers of a session it created or switched to. */
interface KnownSession {
  info: SessionInfo;
  /** Created by this integration: destroyed by `shutdown()`. */
  owned: boolean;
  open: boolean;
}

/**
 * The sessions the integration knows and which one is active: commands that name no session go there. A
 * closed session is forgotten unless it is the active one, whose loss the next command should report
 * rather than silently run elsewhere, or it may come back (`keepClosed`: the manager re-creates lost
 * sessions).
 */
export class SessionTable {
  private readonly sessions = new Map<string, KnownSession>();
  private nameCounter = 0;
  /** The session commands go to when they name none. */
  activeId: string | null = null;
  /** Sessions created in all (re-created ones included). */
  created = 0;

  constructor(private readonly keepClosed: boolean) {}

  isOpen(id: string): boolean {
    return this.sessions.get(id)?.open ?? false;
  }

  isOwned(id: string): boolean {
    return this.sessions.get(id)?.owned ?? false;
  }

  /** A session this integration created (or that was re-created for it); active when none is. */
  adopt(info: SessionInfo): TmuxSession {
    this.sessions.set(info.id, { info, owned: true, open: true });
    this.created++;
    this.activeId ??= info.id;
    return this.view(info);
  }

  /** Makes a session active, remembering it (not as its own) when it was created elsewhere. */
  activate(info: SessionInfo): TmuxSession {
    const known = this.sessions.get(info.id);
    if (!known?.open) this.sessions.set(info.id, { info, owned: known?.owned ?? false, open: true });
    this.activeId = info.id;
    return this.view(this.sessions.get(info.id)!.info);
  }

  /** The active session as last seen; `null` when there is none. */
  active(): TmuxSession | null {
    const known = this.activeId === null ? undefined : this.sessions.get(this.activeId);
    return known === undefined ? null : this.view(known.info);
  }

  /** The known, open session `id`, as last seen. */
  info(id: string): SessionInfo | undefined {
    const known = this.sessions.get(id);
    return known?.open ? known.info : undefined;
  }

  /** The session's shell is now in `cwd` (its last command said so, or it moved there). */
  noteCwd(id: string, cwd: string | undefined): void {
    const known = this.sessions.get(id);
    if (known !== undefined && cwd !== undefined) known.info = { ...known.info, cwd };
  }

  /** The session ended on the backend. */
  closed(id: string): void {
    const known = this.sessions.get(id);
    if (known === undefined) return;
    known.open = false;
    if (!this.keepClosed && this.activeId !== id) this.sessions.delete(id);
  }

  /** A session of the integration's that lost its shell got a new one (in `cwd`); `undefined` if unknown. */
  recreated(id: string, cwd: string | undefined): TmuxSession | undefined {
    const known = this.sessions.get(id);
    if (known === undefined || !known.owned) return undefined;
    known.open = true;
    this.noteCwd(id, cwd);
    this.created++;
    return this.view(known.info);
  }

  /** The session was destroyed through the integration. */
  removed(id: string): void {
    this.sessions.delete(id);
    if (this.activeId === id) this.activeId = null;
  }

  /** The next free `session-<n>` name. */
  nextName(): string {
    let name: string;
    do name = `session-${++this.nameCounter}`;
    while (this.isOpen(name));
    return name;
  }

  /** The open sessions this integration created. */
  owned(): SessionInfo[] {
    return [...this.sessions.values()].filter((s) => s.owned && s.open).map((s) => s.info);
  }

  clear(): void {
    this.sessions.clear();
    this.activeId = null;
  }

  /** A session as the legacy API shows it, with the last cwd seen when the backend gave none. */
  view(info: SessionInfo): TmuxSession {
    const cwd = info.cwd ?? this.sessions.get(info.id)?.info.cwd;
    return {
      id: info.id,
      name: info.id,
      createdAt: info.createdAt,
      panes: [...info.panes],
      backendId: info.backendId,
      ...(cwd === undefined ? {} : { cwd }),
      active: info.id === this.activeId,
    };
  }
}
