import { type ExecutionContext } from '@vth/core';
import { type AuditErrorHandler, type AuditRedactor, type AuditSink } from './audit-log';
import { type CommandPolicy, type ConfirmHandler } from './command-policy';
import { type RateLimiterOptions } from './rate-limiter';

// What a CommandGuard is built from, and the requests its methods take.

export interface CommandGuardAuditOptions {
  sink: AuditSink;
  /** Default `defaultRedact` (secrets in the command masked); `false` logs commands verbatim. */
  redact?: AuditRedactor | false;
  /** Told about audit failures (a redactor that throws, a sink that fails); default a process warning. */
  onError?: AuditErrorHandler;
  /** Bytes of a command kept in a record; see `AuditLogOptions.maxCommandBytes`. Default 4096. */
  maxCommandBytes?: number;
  /** Repeated refusals within this many ms become one record; see `AuditLogOptions`. Default 5000. */
  coalesceWindowMs?: number;
}

export interface CommandGuardOptions {
  /** Names the backend in audit records and errors; a function when the id is only known later. */
  backendId: string | (() => string);
  backendType: string | (() => string);
  /** Token buckets per session and/or per user. Default: no limit. */
  rateLimit?: RateLimiterOptions;
  /** One record per command. Default: no audit. */
  audit?: CommandGuardAuditOptions;
  /** Decides whether each command may run. Default: every command may. */
  policy?: CommandPolicy;
  /** Asked when the policy answers `confirm`; without it, `confirm` refuses. */
  confirm?: ConfirmHandler;
  /**
   * A typed line holding keys a line editor interprets (arrows, Tab, Ctrl-A…) or too long to follow is
   * only a guess: `confirm` (default) asks the confirm handler (refused without one), `deny` refuses it,
   * `check` puts the guess to the policy like any line.
   */
  untrackedInput?: 'confirm' | 'deny' | 'check';
  /** Bytes of a typed line (and of a command open over several lines) followed. Default 8192. */
  maxInputLineBytes?: number;
}

/** A command about to be dispatched. */
export interface GuardRequest {
  command: string;
  sessionId: string;
  paneId?: string;
  context?: ExecutionContext;
}

/** A batch about to be dispatched: admitted whole or refused whole. */
export interface GuardBatchRequest {
  commands: readonly string[];
  sessionId: string;
  paneId?: string;
  context?: ExecutionContext;
}

/** Text about to be typed into a session (`sendInput`). */
export interface GuardInputRequest {
  data: string;
  sessionId: string;
  paneId?: string;
  context?: ExecutionContext;
}

/** A session about to be opened (`createSession`). */
export interface GuardSessionRequest {
  /** The id asked for, when the caller chose one. */
  sessionId?: string;
  context?: ExecutionContext;
}

/**
 * Input the policy allowed. `delivered()` records the keys as typed (call it when they are sent, before
 * the next call on the session is checked); `notDelivered()` takes them back when they never arrived.
 */
export interface InputAdmission {
  delivered(): void;
  notDelivered(): void;
}
