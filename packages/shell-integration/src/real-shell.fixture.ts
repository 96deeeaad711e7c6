import { afterEach, beforeEach, expect, jest } from '@jest/globals';
import * as pty from 'node-pty';
import { bashDialect } from './bash-dialect';
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
  /**
   * Resolves once the terminal has printed `text` (raw, marks included) at least `times` times since the
   * shell started.
   */
  printedSoFar(text: string, times?: number): Promise<void>;
  /** How many times the terminal has printed `text` so far. */
  printedCount(text: string): number;
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
  const watchers = new Set<() => void>();
  term.onData((d) => {
    const chunk = Buffer.isBuffer(d) ? d : Buffer.from(d);
    printed.push(chunk);
    runner.feed(chunk);
    for (const check of [...watchers]) check();
  });
  const printedCount = (text: string) => Buffer.concat(printed).toString('latin1').split(text).length - 1;
  // Woken by each chunk the terminal prints: no polling, no sleeps.
  const printedSoFar = (text: string, times = 1, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (printedCount(text) < times) return;
        watchers.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        watchers.delete(check);
        reject(
          new Error(`the terminal did not print ${JSON.stringify(text)} ${times}x within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      watchers.add(check);
      check();
    });
  term.onExit(({ exitCode, signal }) => {
    runner.close({ exitCode, signal: signal || null });
    exited();
  });
  term.write(runner.bootstrapText());
  const ready = await runner.ready(10_000);
  expect(ready.ok).toBe(true);
  return { term, runner, typed, printed, exited: done, printedSoFar, printedCount };
}

/**
 * A fresh real bash for each test of the describe block that calls this, killed after it.
 *
 * @example const shell = eachRealBash(); it('...', async () => { await shell().runner.execute('ls'); });
 */
export function eachRealBash(options: Partial<ShellCommandRunnerOptions> = {}): () => RealShell {
  // Bounds a hung shell on a loaded machine; not a performance claim.
  jest.setTimeout(30_000);
  let shell: RealShell | undefined;
  beforeEach(async () => {
    shell = await startShell('bash', bashDialect, 200, options);
  });
  afterEach(async () => {
    shell?.term.kill('SIGKILL');
    await shell?.exited;
  });
  return () => shell!;
}
