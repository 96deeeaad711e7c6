import { posix } from 'node:path';

/** The state of one fake session's shell, which a command handler reads and changes. */
export interface FakeShellState {
  /** The session the command runs in. */
  readonly sessionId: string;
  /** The working directory (`fakeShellHandler`'s `cd` changes it). */
  cwd: string;
  /** The session's variables (`fakeShellHandler`'s `export`, `unset` and `A=B` change them). */
  env: Record<string, string>;
  /** `$?`: the exit code of the last command. */
  lastExitCode: number;
}

/** What a fake command printed and how it ended. */
export interface FakeCommandResult {
  /** Everything it printed (stdout and stderr, as a terminal shows them). Default ''. */
  output?: string;
  /** Default 0. */
  exitCode?: number | null;
}

/** Runs one command line against a fake shell's state: the programmable part of `MemoryBackend`. */
export type FakeCommandHandler = (command: string, shell: FakeShellState) => FakeCommandResult;

type Operator = ';' | '&&' | '||';

interface Segment {
  /** How it joins the previous segment; `;` for the first. */
  after: Operator;
  text: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits a line at `;`, `&&` and `||` outside quotes. Expansion waits until a segment runs. */
function segments(line: string): Segment[] {
  const out: Segment[] = [];
  let after: Operator = ';';
  let text = '';
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"' && i + 1 < line.length) text += ch + line[++i];
      else text += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '\\' && i + 1 < line.length) {
      text += ch + line[++i];
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    const two = line.slice(i, i + 2);
    if (ch === ';' || two === '&&' || two === '||') {
      out.push({ after, text });
      after = ch === ';' ? ';' : (two as Operator);
      if (ch !== ';') i++;
      text = '';
      continue;
    }
    text += ch;
  }
  out.push({ after, text });
  return out.filter((s) => s.text.trim() !== '');
}

/** Shell words with quotes removed and `$NAME`, `${NAME}` and `$?` expanded (outside single quotes). */
function words(text: string, shell: FakeShellState): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  const expand = (i: number): [string, number] => {
    const rest = text.slice(i + 1);
    if (rest.startsWith('?')) return [String(shell.lastExitCode), i + 1];
    // `${A}`, and `${A-word}` / `${A:-word}` (word when A is unset / unset or empty; not expanded itself).
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/.exec(rest);
    if (braced) {
      const value = shell.env[braced[1]!];
      const fallback = braced[2] === '-' ? value === undefined : braced[2] === ':-' && !value;
      return [fallback ? braced[3]! : (value ?? ''), i + braced[0].length];
    }
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (bare) return [shell.env[bare[0]] ?? '', i + bare[0].length];
    return ['$', i];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && '"\\$'.includes(text[i + 1] ?? '')) word += text[++i];
      else if (ch === '$') {
        const [value, end] = expand(i);
        word += value;
        i = end;
      } else word += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\\' && i + 1 < text.length) word += text[++i];
    else if (ch === '$') {
      const [value, end] = expand(i);
      word += value;
      i = end;
    } else word += ch;
  }
  if (inWord) out.push(word);
  return out;
}

function assign(shell: FakeShellState, pair: string): boolean {
  const eq = pair.indexOf('=');
  const name = eq < 0 ? pair : pair.slice(0, eq);
  if (!NAME.test(name)) return false;
  if (eq >= 0) shell.env[name] = pair.slice(eq + 1);
  return true;
}

function runSimple(argv: string[], shell: FakeShellState): { output: string; exitCode: number } {
  const [name, ...args] = argv;
  switch (name) {
    case undefined:
      return { output: '', exitCode: 0 };
    case 'true':
      return { output: '', exitCode: 0 };
    case 'false':
      return { output: '', exitCode: 1 };
    case 'echo': {
      const newline = args[0] !== '-n';
      const text = (newline ? args : args.slice(1)).join(' ');
      return { output: newline ? `${text}\n` : text, exitCode: 0 };
    }
    case 'pwd':
      return { output: `${shell.cwd}\n`, exitCode: 0 };
    case 'cd':
      // Every directory exists in the fake: a migration test cares that the cwd follows, not about disks.
      shell.cwd = posix.resolve(shell.cwd, args[0] ?? shell.env['HOME'] ?? '/');
      return { output: '', exitCode: 0 };
    case 'export': {
      const bad = args.filter((pair) => !assign(shell, pair));
      if (bad.length === 0) return { output: '', exitCode: 0 };
      return { output: `fake: export: \`${bad[0]}': not a valid identifier\n`, exitCode: 1 };
    }
    case 'unset':
      for (const n of args) delete shell.env[n];
      return { output: '', exitCode: 0 };
    default:
      // `NAME=value` alone sets a variable (the fake keeps one environment, exported or not).
      if (argv.every((w) => w.includes('=') && NAME.test(w.slice(0, w.indexOf('='))))) {
        for (const pair of argv) assign(shell, pair);
        return { output: '', exitCode: 0 };
      }
      return { output: `fake: ${name}: command not found\n`, exitCode: 127 };
  }
}

/**
 * The default command handler of `MemoryBackend`: just enough shell for tests of what sits on a backend. Understands `echo`
 * (with `-n`), `true`, `false`, `pwd`, `cd DIR`, `export A=B`, `unset A`, `A=B`, quotes, `$A`, `${A}`,
 * `${A-word}`, `${A:-word}`, `$?`, and lines joined by `;`, `&&` and `||`. Anything else prints "command not found" and exits 127.
 *
 * @example
 * ```ts
 * const shell = { sessionId: 's', cwd: '/', env: {}, lastExitCode: 0 };
 * fakeShellHandler('export A=1 && cd /tmp', shell);
 * fakeShellHandler('echo "$A in $(pwd)"', shell); // { output: '1 in $(pwd)\n', exitCode: 0 } (no subshells)
 * ```
 */
export const fakeShellHandler: FakeCommandHandler = (command, shell) => {
  let output = '';
  for (const { after, text } of segments(command)) {
    if (after === '&&' && shell.lastExitCode !== 0) continue;
    if (after === '||' && shell.lastExitCode === 0) continue;
    const result = runSimple(words(text, shell), shell);
    output += result.output;
    shell.lastExitCode = result.exitCode;
  }
  return { output, exitCode: shell.lastExitCode };
};
