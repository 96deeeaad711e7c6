import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

/** The built CLI: the specs run it as a user would, in its own process (Jest cannot `import()` plugins). */
export const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set in the CLI's environment, so in every shell it starts: see `leftoverProcesses`. */
  tag: string;
}

export interface CliRunOptions {
  /** Written to stdin, which is then closed. Default: stdin closed at once. */
  input?: string;
  env?: Record<string, string>;
  cwd?: string;
  /** Called with the stdout so far whenever more arrives; may signal the child. */
  onStdout?: (stdout: string, child: { kill(signal: NodeJS.Signals): boolean }) => void;
}

/** Set in the environment of a spec's CLI process, so in every shell it starts: see `leftoverProcesses`. */
export const TAG_VARIABLE = 'VTH_SPEC_RUN_TAG';

/** Runs `node dist/cli.js ...args` to the end. */
export function runCli(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  const tag = randomBytes(8).toString('hex');
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, [TAG_VARIABLE]: tag };
  // The specs decide the config; a developer's environment must not.
  for (const name of ['VTH_CONFIG', 'VTH_BACKEND', 'VTH_TIMEOUT_MS', 'VTH_PLUGINS_FROM']) {
    if (options.env?.[name] === undefined) delete env[name];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, tag }));
    child.stdin.end(options.input ?? '');
  });
}

/** Alive and not a zombie (a zombie has ended; only its exit status waits to be collected). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Processes still alive that carry a run's tag in their environment: shells (and their children), tmux
 * servers and panes it leaked. Each as `"<pid> <command line>"`.
 */
export function leftoverProcesses(tag: string): string[] {
  const needle = `${TAG_VARIABLE}=${tag}`;
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    let cmdline: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue; // Gone meanwhile, or not ours to read.
    }
    if (environ.split('\0').includes(needle) && isAlive(Number(entry))) found.push(`${entry} ${cmdline}`);
  }
  return found;
}
