import { expect } from '@jest/globals';
import * as pty from 'node-pty';
import { ShellCommandRunner, type ShellCommandRunnerOptions } from './command-runner';
import { type ShellDialect } from './shell-dialect';
import { shellOwnsTerminal, signalForegroundGroup } from './terminal-processes';

export interface RealShell {
  term: pty.IPty;
  runner: ShellCommandRunner;
  /** Everything written to the terminal, as typed. */
  typed: string[];
  /** Everything the terminal printed, raw (marks included). */
  printed: Buffer[];
  /** Resolves when the shell process has exited. */
  exited: Promise<void>;
}

/**
 * A real shell on a real pty, driven by the runner: what every interactive backend does.
 *
 * @example const shell = await startShell('bash', bashDialect);
 */
export async function startShell(
  shell: string,
  dialect: ShellDialect,
  grace = 200,
  options: Partial<ShellCommandRunnerOptions> = {},
  home = '/tmp',
): Promise<RealShell> {
  const term = pty.spawn(shell, [...dialect.spawnArgs], {
    name: 'xterm-256color',
    cols: 120,
    rows: 30,
    cwd: '/tmp',
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      LANG: 'C.UTF-8',
      TERM: 'xterm-256color',
    },
    encoding: null,
  });
  const typed: string[] = [];
  const runner = new ShellCommandRunner({
    transport: {
      write: (d) => {
        typed.push(d);
        term.write(d);
      },
      signalForeground: (sig) => signalForegroundGroup(term.pid, sig),
      shellInForeground: () => shellOwnsTerminal(term.pid),
      terminate: () => term.kill('SIGKILL'),
    },
    dialect,
    sessionId: 's1',
    paneId: '0',
    backendId: 'test',
    interruptGraceMs: grace,
    killGraceMs: grace,
    ...options,
  });
  let exited!: () => void;
  const done = new Promise<void>((r) => (exited = r));
  const printed: Buffer[] = [];
  term.onData((d) => {
    const chunk = Buffer.isBuffer(d) ? d : Buffer.from(d);
    printed.push(chunk);
    runner.feed(chunk);
  });
  term.onExit(({ exitCode, signal }) => {
    runner.close({ exitCode, signal: signal || null });
    exited();
  });
  term.write(runner.bootstrapText());
  const ready = await runner.ready(10_000);
  expect(ready.ok).toBe(true);
  return { term, runner, typed, printed, exited: done };
}
