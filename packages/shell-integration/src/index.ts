/**
 * `@vth/shell-integration`: runs commands in an interactive shell (a pty, a tmux pane, a container's
 * attached shell) and knows exactly when each ends, with its exit code and working directory, through marks
 * carrying a per-session secret, without polling, prompts or echo in the output. `ShellCommandRunner` is
 * the entry; a backend supplies a `ShellTransport` (how to type into the shell and learn that it ended).
 *
 * @example
 * ```ts
 * import { ShellCommandRunner, bashDialect } from '@vth/shell-integration';
 * const runner = new ShellCommandRunner({ transport, dialect: bashDialect, sessionId, paneId, backendId });
 * pty.onData((chunk) => runner.feed(chunk));
 * pty.write(runner.bootstrapText());
 * await runner.ready(5000);
 * const run = await runner.execute('ls -la', { timeoutMs: 10_000 });
 * ```
 *
 * @module @vth/shell-integration
 */
export {
  ptyBudget,
  fdBudget,
  exhaustionHint,
  defaultMaxSessions,
  MACHINE_DEFAULT,
  type PtyBudget,
} from './terminal-capacity';
export { MarkParser, type ShellEvent, type MarkParserOptions } from './mark-parser';
export { MARK_OSC, MARK_PREFIX, MARK_TERMINATOR, markFormat, type MarkKind } from './marks';
export { type ShellDialect, MAX_TYPED_LINE } from './shell-dialect';
export { bashDialect } from './bash-dialect';
export { posixDialect } from './posix-dialect';
export { dialectForShell } from './dialect-for-shell';
export { ansiCQuote, unquoteShellWord, literalTerminalInput } from './shell-quote';
export { ShellCommandRunner } from './command-runner';
export { type ShellCommandRunnerOptions } from './command-runner-options';
export { type ShellTransport, type ShellExit, type ForegroundSignal } from './shell-transport';
export {
  readProcStat,
  listSessionMembers,
  signalForegroundGroup,
  shellOwnsTerminal,
  killSessionMembers,
  type ProcStat,
} from './terminal-processes';
export { resolveExecutable } from './resolve-executable';
export { shellEnvironment, type ShellEnvironmentOptions } from './shell-environment';
export { profileEnvironment, PROGRAM_PROFILE_ENV } from './session-profile';
export { execLimitProblem } from './exec-limits';
export { commandEvents } from './command-events';
export { batchFailure, runInTurn } from './batch-outcome';
