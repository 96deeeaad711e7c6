import { type z } from 'zod';
import { type sessionOptionsSchema } from './call-options';

/** A session as the legacy API shows it. `id` and `name` are the same: the name is the vth session id. */
export interface TmuxSession {
  id: string;
  name: string;
  createdAt: number;
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
