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
  /**
   * Resolves once `check` holds, looked at after each chunk the terminal prints; rejects after 10 s. Its
   * timer ends with it, so a wait that lost a race leaves nothing behind (a pending 10 s timer kept jest
   * from exiting).
   */
  printedUntil(check: () => boolean, what: string): Promise<void>;
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
  const started = spawnShell(shell, dialect, grace, options, home);
  const ready = await started.runner.ready(10_000);
  expect(ready.ok).toBe(true);
  return started;
}

/**
 * The same shell, returned as soon as its first line is typed: the runner is still arming it.
 *
 * @example const shell = spawnShell('bash', bashDialect); shell.runner.execute('ls'); // queued
 */
export function spawnShell(
  shell: string,
  dialect: ShellDialect,
  grace = 200,
  options: Partial<ShellCommandRunnerOptions> = {},
  home = '/tmp',
): RealShell {
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
  const printedUntil = (done: () => boolean, what: string, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        watchers.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        watchers.delete(check);
        reject(new Error(`the terminal did not print ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      watchers.add(check);
      check();
    });
  const printedSoFar = (text: string, times = 1) =>
    printedUntil(() => printedCount(text) >= times, `${JSON.stringify(text)} ${times}x`);
  term.onExit(({ exitCode, signal }) => {
    runner.close({ exitCode, signal: signal || null });
    exited();
  });
  term.write(runner.bootstrapText());
  return { term, runner, typed, printed, exited: done, printedSoFar, printedUntil, printedCount };
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
