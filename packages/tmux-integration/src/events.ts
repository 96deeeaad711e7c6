import { type BackendError, type CommandStartedEvent, type SessionClosedEvent } from '@vth/core';
import { type FallbackFailure } from '@vth/factory';
import { type CommandResult } from './command-result';
import { type DiscoverySummary } from './default-factory';
import { type TmuxSession } from './tmux-session';

/** `output-received`: a piece of a session's output, as it arrives (before the command that printed it ends). */
export interface OutputReceivedEvent {
  /** The session whose terminal printed it (any session on the backend, not only this integration's). */
  sessionId: string;
  /** The pane within that session. */
  paneId: string;
  /** The text, decoded as UTF-8; attacker-controlled like everything a session prints. */
  data: string;
  /** The command the output belongs to, when one is running. */
  commandId?: string;
}

/** `backend-selected`: `initialize()` has its backend, and which types could not be created. */
export interface BackendSelectedEvent {
  /** The backend type in use ('tmux', 'node-pty', ...). */
  type: string;
  /** The id of the backend in use (the integration's own manager, or the injected backend). */
  backendId: string;
  /** The types tried before it, in order, and why each could not be created. */
  failures: FallbackFailure[];
  /** What plugin discovery found, when the integration made its own factory. */
  discovery?: DiscoverySummary;
}

/** The typed events of `TmuxIntegration`. */
export interface TmuxIntegrationEventMap {
  /** A session this integration created (also one re-created in 'reliability' mode). */
  'session-created': [TmuxSession];
  /** A session on the backend ended: killed, exited, crashed or shut down. */
  'session-closed': [SessionClosedEvent];
  /** A command reached the shell and began. */
  'command-started': [CommandStartedEvent];
  /** A command finished (completed, timed out or was interrupted). */
  'command-executed': [CommandResult];
  /** Output of any session on the backend, as it arrives. */
  'output-received': [OutputReceivedEvent];
  /** `initialize()` has a backend. */
  'backend-selected': [BackendSelectedEvent];
  /** The error behind every failure a method throws, and failures of background work. Only emitted when someone listens. */
  error: [BackendError];
}
