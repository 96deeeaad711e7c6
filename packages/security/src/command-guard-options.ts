import { type ExecutionContext } from '@vth/core';
import { type AuditErrorHandler, type AuditRedactor, type AuditSink } from './audit-log';
import { type CommandPolicy, type ConfirmHandler } from './command-policy';
import { type RateLimiterOptions } from './rate-limiter';

// What a CommandGuard is built from, and the requests its methods take.

/** A guard's audit log: an {@link AuditLogOptions} without the test clock. */
export interface CommandGuardAuditOptions {
  /** Receives one record per command, redacted and cut; closed by the guard's `close()`. */
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

/**
 * What a {@link CommandGuard} enforces. Every control is off unless given; with none, the guard admits
 * everything at no cost (`active: false`).
 */
export interface CommandGuardOptions {
  /** Names the backend in audit records and errors; a function when the id is only known later. */
  backendId: string | (() => string);
  /** The backend's plugin type in audit records (`tmux`, `node-pty`, ...); a function like `backendId`. */
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
  /** The command as it will be typed: what the policy reads and the audit records. */
  command: string;
  /** Picks the session's rate-limit bucket and what was typed into it before. */
  sessionId: string;
  /** As given to `executeCommand`; absent for the session's first pane. */
  paneId?: string;
  /** The call's context: `userId` picks the user's bucket; the policy and the audit see it all. */
  context?: ExecutionContext;
}

/** A batch about to be dispatched: admitted whole or refused whole. */
export interface GuardBatchRequest {
  /** In order; each costs a token and goes to the policy on its own. */
  commands: readonly string[];
  /** As in {@link GuardRequest}. */
  sessionId: string;
  /** As in {@link GuardRequest}. */
  paneId?: string;
  /** As in {@link GuardRequest}. */
  context?: ExecutionContext;
}

/** Text about to be typed into a session (`sendInput`). */
export interface GuardInputRequest {
  /** The keys, raw: the guard assembles them into lines as the terminal would. */
  data: string;
  /** Whose typed text the keys continue, and whose buckets a completed line is charged to. */
  sessionId: string;
  /** The pane typed into; each pane's unfinished line is followed on its own. */
  paneId?: string;
  /**
   * Usually absent (`sendInput` carries none): the policy then sees `{}` and the line is charged to
   * whoever opened the session.
   */
  context?: ExecutionContext;
}

/** A session about to be opened (`createSession`). */
export interface GuardSessionRequest {
  /** The id asked for, when the caller chose one. */
  sessionId?: string;
  /** `userId` picks the `newSessions` bucket (anonymous without one); the audit records the rest. */
  context?: ExecutionContext;
}

/**
 * Input the policy allowed. `delivered()` records the keys as typed (call it when they are sent, before
 * the next call on the session is checked); `notDelivered()` takes them back when they never arrived.
 */
export interface InputAdmission {
  /** The keys reached the session: they count as typed for the next checks. A second call does nothing. */
  delivered(): void;
  /** The keys never arrived (the backend refused them): undoes `delivered()`, if it was called. */
  notDelivered(): void;
}
