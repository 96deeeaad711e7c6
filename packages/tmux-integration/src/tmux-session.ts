import { type z } from 'zod';
import { type sessionOptionsSchema } from './call-options';

/** A session as the legacy API shows it. `id` and `name` are the same: the name is the vth session id. */
export interface TmuxSession {
  /** The vth session id: the `sessionId` of later calls, and what `killSession` / `switchSession` take. */
  id: string;
  /** The legacy API's name for it, equal to `id` (the name given to `createSession`, or `session-<n>`). */
  name: string;
  /** When the backend opened it, in epoch milliseconds. */
  createdAt: number;
  /** Its pane ids, for the `paneId` options; the first is the one used when none is named. */
  panes: string[];
  /** The backend instance that runs it. */
  backendId: string;
  /** The shell's working directory, as of its last command. */
  cwd?: string;
  /** The session that commands go to when they name none. */
  active: boolean;
}

/** Options of `createSession` (declared once, as `sessionOptionsSchema`). */
export type TmuxSessionOptions = z.input<typeof sessionOptionsSchema>;
