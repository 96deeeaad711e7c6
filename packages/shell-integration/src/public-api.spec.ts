import * as shellIntegration from './index';

// What backends (ours and third parties') import from '@vth/shell-integration'. Removing a name breaks
// them; adding one is a public API decision, so this list changes with it on purpose.
const PUBLIC_NAMES = [
  'MACHINE_DEFAULT',
  'MARK_OSC',
  'MARK_PREFIX',
  'MARK_TERMINATOR',
  'MAX_TYPED_LINE',
  'MarkParser',
  'PROGRAM_PROFILE_ENV',
  'ShellCommandRunner',
  'ansiCQuote',
  'bashDialect',
  'batchFailure',
  'commandEvents',
  'defaultMaxSessions',
  'dialectForShell',
  'execLimitProblem',
  'exhaustionHint',
  'fdBudget',
  'killSessionMembers',
  'listSessionMembers',
  'literalTerminalInput',
  'markFormat',
  'posixDialect',
  'profileEnvironment',
  'ptyBudget',
  'readProcStat',
  'resolveExecutable',
  'runInTurn',
  'shellEnvironment',
  'shellOwnsTerminal',
  'signalForegroundGroup',
  'unquoteShellWord',
];

describe('the @vth/shell-integration entry point', () => {
  it('exports exactly the public names, none of them undefined', () => {
    expect(Object.keys(shellIntegration).sort()).toEqual(PUBLIC_NAMES);
    for (const name of PUBLIC_NAMES)
      expect(shellIntegration[name as keyof typeof shellIntegration]).toBeDefined();
  });
});
