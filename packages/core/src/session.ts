/** How a session's environment is tuned (see `CreateSessionOptions.profile`). */
export type SessionProfile = 'program' | 'terminal';

/** Options for `createSession`. Every field is optional; backends document their defaults. */
export interface CreateSessionOptions {
  /** Choose the id instead of letting the backend generate one (letters, digits, `_`, `-`, `.`). */
  sessionId?: string;
  /** Working directory of the shell. */
  cwd?: string;
  /** Extra environment variables for the shell, on top of the backend's own. */
  env?: Record<string, string>;
  /** The shell to run (`bash` by default on most backends). */
  shell?: string;
  /**
   * `program` (the default of vth's backends): an environment for programs driving the session — pagers
   * print straight through (`PAGER=cat`, `GIT_PAGER=cat`, ...), git and apt never stop to ask. `terminal`:
   * the plain environment, for a person attached through a terminal. Backends document the exact list.
   */
  profile?: SessionProfile;
  /** Terminal width in columns (the backend's default when absent). */
  cols?: number;
  /** Terminal height in rows (the backend's default when absent). */
  rows?: number;
  /** Free-form tags, echoed back in `SessionInfo` (owner, purpose, experiment, ...). */
  labels?: Record<string, string>;
}

/** A session as `createSession` and `listSessions` describe it. */
export interface SessionInfo {
  /** The session's id, for every later call on it. */
  id: string;
  /** The backend that holds it (a session is pinned to one backend). */
  backendId: string;
  /** When it was opened, in epoch milliseconds. */
  createdAt: number;
  /** Last working directory the shell reported. */
  cwd?: string;
  /** Its pane ids; the first is the one a call without `paneId` uses. */
  panes: string[];
  /** Whether its shell is still running. */
  alive: boolean;
  /** The labels given to `createSession`. */
  labels?: Record<string, string>;
}
