import { type BackendError } from './backend-error';
import { type CommandExecution, type ExecutionContext } from './execution';
import { type BackendHealth } from './health';
import { type SessionInfo } from './session';

export interface OutputEvent {
  sessionId: string;
  paneId: string;
  /** The command the output belongs to, when one is running. */
  commandId?: string;
  data: string;
}

export interface CommandStartedEvent {
  sessionId: string;
  paneId: string;
  commandId: string;
  command: string;
  startedAt: number;
  requestId?: string;
  userId?: string;
  source?: string;
}

export interface SessionClosedEvent {
  sessionId: string;
  /** 'destroyed' (asked for), 'exited' (the shell ended), 'crashed', 'shutdown'. */
  reason: 'destroyed' | 'exited' | 'crashed' | 'shutdown';
  exitCode?: number | null;
  signal?: number | string | null;
}

export interface HealthChangedEvent {
  previous: BackendHealth['status'];
  current: BackendHealth;
}

/** The typed events of every backend. */
export interface BackendEventMap {
  output: [OutputEvent];
  'session-created': [SessionInfo];
  'session-closed': [SessionClosedEvent];
  'command-started': [CommandStartedEvent];
  'command-completed': [CommandExecution];
  'health-changed': [HealthChangedEvent];
  error: [BackendError];
}

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
