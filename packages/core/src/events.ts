import { type BackendError } from './backend-error';
import { type CommandExecution, type ExecutionContext } from './execution';
import { type BackendHealth } from './health';
import { type SessionInfo } from './session';

/** `output`: bytes a pane's terminal printed, as they arrive (for live views and logs). */
export interface OutputEvent {
  /** The session whose terminal printed it. */
  sessionId: string;
  /** The pane within that session. */
  paneId: string;
  /** The command the output belongs to, when one is running. */
  commandId?: string;
  /** The text, decoded as UTF-8; attacker-controlled like everything a session prints. */
  data: string;
}

/** `command-started`: a command was typed into a shell (the audit trail's first record of it). */
export interface CommandStartedEvent {
  /** The session it runs in. */
  sessionId: string;
  /** The pane it runs in. */
  paneId: string;
  /** The id its `CommandExecution` (and `command-completed`) will carry. */
  commandId: string;
  /** The command line as typed. */
  command: string;
  /** When it was dispatched, in epoch milliseconds. */
  startedAt: number;
  /** `ExecutionContext.requestId` of the call, to join logs across layers. */
  requestId?: string;
  /** `ExecutionContext.userId` of the call: who ran it. */
  userId?: string;
  /** `ExecutionContext.source` of the call (`voice`, `api`, `cli`, ...). */
  source?: string;
}

/** `session-closed`: a session ended, for whatever reason; its id is free again. */
export interface SessionClosedEvent {
  /** The session that ended. */
  sessionId: string;
  /** 'destroyed' (asked for), 'exited' (the shell ended), 'crashed', 'shutdown'. */
  reason: 'destroyed' | 'exited' | 'crashed' | 'shutdown';
  /** The shell's exit code when it exited by itself; `null` when it was killed or did not say. */
  exitCode?: number | null;
  /** The signal that ended the shell, when one did (a number or a name, as the platform reports it). */
  signal?: number | string | null;
}

/** `health-changed`: the backend's health status moved (e.g. `healthy` to `unhealthy`). */
export interface HealthChangedEvent {
  /** The status before the change. */
  previous: BackendHealth['status'];
  /** The health now, with its message and details. */
  current: BackendHealth;
}

/** The typed events of every backend. */
export interface BackendEventMap {
  /** A pane printed something. */
  output: [OutputEvent];
  /** A session was opened (by `createSession`, or by a manager re-creating it elsewhere). */
  'session-created': [SessionInfo];
  /** A session ended. */
  'session-closed': [SessionClosedEvent];
  /** A command was typed into a shell. */
  'command-started': [CommandStartedEvent];
  /** A command ended (any status but `running`), with the same result the caller got. */
  'command-completed': [CommandExecution];
  /** The backend's health status changed. */
  'health-changed': [HealthChangedEvent];
  /**
   * A failure with no caller to return it to (a session that crashed between calls). Emitted only when
   * someone listens, so an unhandled `error` event never crashes the host.
   */
  error: [BackendError];
}

/** The name of one of the {@link BackendEventMap} events. */
export type BackendEventName = keyof BackendEventMap;

/**
 * Emits `error` only when someone listens: a Node EventEmitter throws an `error` event nobody handles,
 * and a backend must never crash its host over a report.
 */
export function emitErrorSafely(
  emitter: { listenerCount(name: 'error'): number; emit(name: 'error', error: BackendError): boolean },
  error: BackendError,
): void {
  if (emitter.listenerCount('error') > 0) emitter.emit('error', error);
}

/** The audit fields of a context, for `command-started` events and audit records. */
export function auditFields(
  context: ExecutionContext,
): Pick<CommandStartedEvent, 'requestId' | 'userId' | 'source'> {
  return {
    ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
    ...(context.userId === undefined ? {} : { userId: context.userId }),
    ...(context.source === undefined ? {} : { source: context.source }),
  };
}
