export { ptyBudget, fdBudget, exhaustionHint, defaultMaxSessions, type PtyBudget } from './terminal-capacity';
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
