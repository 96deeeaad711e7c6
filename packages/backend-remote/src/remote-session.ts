import { type BackendSession, type PaneOutput } from '@vth/backend-kit';
import { type RemoteRunner } from './remote-runner';

/** A session of the remote backend: its id on the server is its id here. */
export interface RemoteSession extends BackendSession {
  /** Ended: destroyed, exited on the server, or lost with it. */
  closed: boolean;
  /** The shell's working directory after the last command, as the server reported it. */
  cwd: string | undefined;
  /** The session's panes on the server (the first is where calls without a pane go). */
  panes: string[];
  /** Decodes the first pane's output for `output` events. */
  output: PaneOutput;
  /** Commands of the session that yielded (`yieldAfterMs`): where the last read or wait of each stopped. */
  handles: Map<string, number>;
  /** Stops following the session's output. */
  stopOutput: () => void;
}

/** What a call addressed to a session and pane acts on. */
export interface RemotePane {
  runner: RemoteRunner;
  output: PaneOutput;
  paneId: string;
}
