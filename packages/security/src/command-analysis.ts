import { basenameGlob, DEEP, wordGlobs, type Glob, type WordGlobs } from './path-glob';
import { WRAPPERS, wrapped } from './command-wrappers';
import { parseShell, wordText, type ShellWord, type SimpleCommand } from './shell-words';

/** The flags of a command: GNU style (anywhere before `--`), short clusters split. */
export interface CommandFlags {
  /** `-rf` gives `r` and `f`. */
  short: Set<string>;
  /** `--recursive=x` gives `recursive`. */
  long: string[];
  /** Every single-dash word as written (`-delete`, `-rf`). */
  words: Set<string>;
  /** Why a word that may be a flag is only known at run time, or `null`. */
  unknown: string | null;
}

/** One program a command line runs, as far as text can tell. */
export interface AnalysedCommand {
  /** The program's basename as a pattern; `null` when the command runs none (redirections only). */
  program: Glob | null;
  /** Why the program is only known at run time, or `null`. */
  programUnknown: string | null;
  flags: CommandFlags;
  args: WordGlobs[];
  /** Why there may be arguments the text does not show (`xargs`), or `null`. */
  extraArgs: string | null;
  /** Files it writes to through redirections. */
  writes: WordGlobs[];
  /** The function whose body it is in. */
  inFunction?: string;
  /** That body defined a function of its own name before this command (see `SimpleCommand`). */
  inFunctionRedefined?: true;
  /** Runs code the guard cannot see (`eval "$x"`, `curl … | sh`, `source f`): why, or `null`. */
  opaque: string | null;
}

/** Nested code (`sh -c '…'`, `eval '…'`) is followed this deep. */
const MAX_NESTING = 8;
/** Why a command with more words than the parser keeps may have arguments no rule saw. */
const MORE_WORDS = 'more arguments than the guard checks';
/** Wrappers unwrapped per command (`sudo env nice …`). */
const MAX_LAYERS = 16;

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'rbash', 'fish']);
const SHELL_VALUE_OPTIONS = new Set(['-o', '+o', '-O', '+O', '--rcfile', '--init-file']);
const INTERPRETERS = new Set([
  'python',
  'python2',
  'python3',
  'perl',
  'ruby',
  'node',
  'nodejs',
  'php',
  'lua',
]);

/**
 * Every program a command line runs, as far as text can tell: wrappers unwrapped (`sudo env nice rm`
 * gives `sudo`, `env`, `nice` and `rm`), code given as text followed (`sh -c '…'`, `eval '…'`, `bash <<<
 * '…'`, `find -exec`, `su -c`, `watch`), and what it cannot see marked `opaque`. A `cd` to a known
 * directory makes later relative paths absolute.
 *
 * @example
 * ```ts
 * analyseCommandLine('sudo rm -rf /').map((c) => c.args.length); // [3, 1]
 * ```
 */
export function analyseCommandLine(text: string, depth = 0): AnalysedCommand[] {
  const parsed = parseShell(text);
  const out: AnalysedCommand[] = [];
  if (parsed.truncated)
    out.push(opaqueCommand('the command is too long or too deeply nested to analyse in full'));
  let cwd: string | null | undefined;
  for (const command of parsed.commands) {
    const layers = unwrap(command, command.words, cwd, depth);
    for (const layer of layers) {
      if (command.inFunction !== undefined) layer.inFunction = command.inFunction;
      if (command.inFunctionRedefined) layer.inFunctionRedefined = true;
      out.push(layer);
    }
    cwd = nextCwd(command, cwd);
  }
  return out;
}

function unwrap(
  command: SimpleCommand,
  start: ShellWord[],
  cwd: string | null | undefined,
  depth: number,
): AnalysedCommand[] {
  const writes = command.redirects.filter(isWrite).map((r) => wordGlobs(r.target, cwd));
  const out: AnalysedCommand[] = [];
  let words = start;
  let extraArgs: string | null = null;
  const nested = (text: string) => {
    if (depth >= MAX_NESTING) out.push(opaqueCommand('code nested too deep to analyse'));
    else out.push(...analyseCommandLine(text, depth + 1));
  };
  if (words.length === 0) return [{ ...emptyCommand(), writes }];
  for (let layer = 0; layer < MAX_LAYERS && words.length > 0; layer++) {
    const name = programName(words[0]!);
    const spec = name === null ? undefined : WRAPPERS[name];
    const current = build(words, cwd, spec !== undefined, command.moreWords ? MORE_WORDS : extraArgs, writes);
    out.push(current);
    if (name === null) break;
    if (name === 'env' && splitString(words, nested, out)) break;
    if (spec) {
      if (spec.extraArgs) extraArgs = spec.extraArgs;
      const at = wrapped(words, spec);
      if (at < 0) break;
      words = words.slice(at);
      continue;
    }
    const args = words.slice(1);
    const literal = args.map(wordText);
    if (SHELLS.has(name)) shellCode(name, command, args, nested, out);
    else if (name === 'eval') {
      if (literal.every((w) => w !== null)) nested(literal.join(' '));
      else out.push(opaqueCommand('eval of a string computed at run time'));
    } else if ((name === 'source' || name === '.') && args.length > 0) {
      out.push(opaqueCommand(`${name === '.' ? 'source (.)' : 'source'} runs a file the guard cannot read`));
    } else if (name === 'alias' && literal.some((w) => w === null || w.includes('='))) {
      out.push(opaqueCommand('an alias definition changes what later commands mean'));
    } else if (INTERPRETERS.has(name) && command.pipedInto && literal.every((w) => w?.startsWith('-'))) {
      out.push(opaqueCommand(`a pipe into ${name}`));
    } else if (name === 'su') {
      const c = literal.findIndex((w) => w === '-c' || w === '--command');
      if (c >= 0) codeWord(args[c + 1], 'su -c', nested, out);
    } else if (name === 'watch') {
      // The first word that is neither an option nor `-n`'s value; a computed one may be the program.
      const first = literal.findIndex(
        (w, i) => (w === null || !w.startsWith('-')) && !/^(?:-n|--interval)$/.test(literal[i - 1] ?? ''),
      );
      if (first >= 0) codeWords(args.slice(first), 'watch', nested, out);
    } else if (name === 'find') {
      out.push(...findExec(command, args, cwd, depth));
    }
    break;
  }
  return out;
}

/** `sh -c SCRIPT`, `bash -s` / `bash` reading a pipe, a heredoc or a here-string. */
function shellCode(
  name: string,
  command: SimpleCommand,
  args: ShellWord[],
  nested: (text: string) => void,
  out: AnalysedCommand[],
): void {
  let inline = false;
  let i = 0;
  for (; i < args.length; i++) {
    const w = wordText(args[i]!);
    if (w === null || w === '--' || !/^[-+]/.test(w)) break;
    if (/^-[A-Za-z]*c/.test(w)) inline = true;
    // `-o pipefail`, `-euo pipefail`, `--rcfile f`: the next word is the option's value.
    if (SHELL_VALUE_OPTIONS.has(w) || /^[-+][A-Za-z]*[oO]$/.test(w)) i++;
  }
  if (inline) {
    codeWord(args[i], `${name} -c`, nested, out);
    return;
  }
  const script = args[i];
  if (script && wordText(script) !== '-') return; // a script file: beyond what text can see
  if (command.hereStrings.length > 0) {
    for (const word of command.hereStrings) codeWord(word, name, nested, out);
  } else if (command.heredocs.length > 0) {
    for (const doc of command.heredocs) nested(doc.body);
  } else if (command.pipedInto) {
    out.push(opaqueCommand(`a pipe into ${name}`));
  }
}

/** `env -S 'prog args' more`: the string is split into words, so it is code. */
function splitString(words: ShellWord[], nested: (text: string) => void, out: AnalysedCommand[]): boolean {
  const texts = words.map(wordText);
  const at = texts.findIndex((t) => t !== null && (t.startsWith('-S') || t.startsWith('--split-string')));
  if (at < 0) return false;
  const flag = texts[at]!;
  const attached = flag.startsWith('-S') ? flag.slice(2) : flag.split('=').slice(1).join('=');
  const code =
    attached === ''
      ? words.slice(at + 1)
      : [{ parts: [{ kind: 'text' as const, text: attached, quoted: true }] }, ...words.slice(at + 1)];
  codeWords(code, 'env -S', nested, out);
  return true;
}

/** A word that is code: followed when literal, opaque when computed. */
function codeWord(
  word: ShellWord | undefined,
  what: string,
  nested: (text: string) => void,
  out: AnalysedCommand[],
): void {
  if (!word) return;
  const text = wordText(word);
  if (text === null) out.push(opaqueCommand(`${what} runs a script computed at run time`));
  else nested(text);
}

function codeWords(
  words: ShellWord[],
  what: string,
  nested: (text: string) => void,
  out: AnalysedCommand[],
): void {
  const texts = words.map(wordText);
  if (texts.some((t) => t === null)) out.push(opaqueCommand(`${what} runs a script computed at run time`));
  else nested(texts.join(' '));
}

/**
 * `find ROOTS … -exec CMD {} ;`: CMD runs once per path found, the roots themselves included, so `{}`
 * is first of all the first root.
 */
function findExec(
  command: SimpleCommand,
  args: ShellWord[],
  cwd: string | null | undefined,
  depth: number,
): AnalysedCommand[] {
  const out: AnalysedCommand[] = [];
  const texts = args.map(wordText);
  const rootEnd = texts.findIndex((t) => t === null || /^[-(!)]/.test(t));
  const root = args[0] && rootEnd !== 0 ? args[0] : undefined;
  for (let i = 0; i < texts.length; i++) {
    if (!/^-(?:exec|execdir|ok|okdir)$/.test(texts[i] ?? '')) continue;
    const end = texts.findIndex((t, k) => k > i && (t === ';' || t === '+'));
    const argv = args
      .slice(i + 1, end < 0 ? undefined : end)
      .map((w) => (wordText(w) === '{}' && root ? root : w));
    if (argv.length === 0) continue;
    const inner = { ...command, pipedInto: false };
    for (const layer of unwrap(inner, argv, cwd, depth)) {
      layer.extraArgs ??= 'find -exec runs it on every path found';
      out.push(layer);
    }
  }
  return out;
}

function build(
  words: ShellWord[],
  cwd: string | null | undefined,
  posix: boolean,
  extraArgs: string | null,
  writes: WordGlobs[],
): AnalysedCommand {
  const program = wordGlobs(words[0]!);
  const flags: CommandFlags = { short: new Set(), long: [], words: new Set(), unknown: null };
  const args: WordGlobs[] = [];
  let options = true;
  for (const word of words.slice(1)) {
    const text = wordText(word);
    if (options && text === '--') {
      options = false;
      continue;
    }
    if (options && text === null && word.parts[0]?.kind === 'unknown') {
      // `$FLAGS` may be `-rf`: it may be a flag and an argument.
      flags.unknown ??= wordGlobs(word).unknown;
    } else if (options && text !== null && text.startsWith('-') && text.length > 1) {
      if (text.startsWith('--')) flags.long.push(text.slice(2).split('=')[0]!);
      else {
        flags.words.add(text);
        for (const c of text.slice(1)) flags.short.add(c);
      }
      continue;
    } else if (options && text === null && wordText({ parts: word.parts.slice(0, 1) })?.startsWith('-')) {
      flags.unknown ??= wordGlobs(word).unknown;
      continue;
    }
    if (posix) options = false;
    args.push(wordGlobs(word, cwd));
  }
  return {
    program: program.unknown ? null : basenameGlob(program.globs[0] ?? [DEEP]),
    programUnknown: program.unknown,
    flags,
    args,
    extraArgs,
    writes,
    opaque: null,
  };
}

function emptyCommand(): AnalysedCommand {
  return {
    program: null,
    programUnknown: null,
    flags: { short: new Set(), long: [], words: new Set(), unknown: null },
    args: [],
    extraArgs: null,
    writes: [],
    opaque: null,
  };
}

function opaqueCommand(why: string): AnalysedCommand {
  return { ...emptyCommand(), opaque: why };
}

/** The literal basename of a program word (quotes removed), or `null` when it is computed. */
function programName(word: ShellWord): string | null {
  const text = wordText(word);
  return text === null ? null : text.slice(text.lastIndexOf('/') + 1);
}

function isWrite(redirect: { op: string; target: ShellWord }): boolean {
  if (redirect.op === '>&') return !/^(?:\d+-?|-)$/.test(wordText(redirect.target) ?? '');
  return ['>', '>>', '>|', '<>', '&>', '&>>'].includes(redirect.op);
}

/** The directory after a `cd`/`pushd`: known, unknown (`null`), or still "somewhere" (`undefined`). */
function nextCwd(command: SimpleCommand, cwd: string | null | undefined): string | null | undefined {
  const name = command.words[0] ? programName(command.words[0]) : null;
  if (name !== 'cd' && name !== 'pushd') return cwd;
  const target = command.words
    .slice(1)
    .find((w) => wordText(w) === '-' || !(wordText(w) ?? '').startsWith('-'));
  if (!target) return '~';
  const text = wordText(target);
  if (text === null || text === '-') return null;
  if (text.startsWith('/') || text.startsWith('~')) return normalisePath(text);
  // Relative to a directory the guard never knew: still "somewhere", assumed not the root.
  return typeof cwd === 'string' ? normalisePath(`${cwd}/${text}`) : cwd;
}

function normalisePath(path: string): string {
  const parts: string[] = [];
  const [head, ...rest] = path.split('/');
  for (const p of rest) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return head === '' ? `/${parts.join('/')}` : [head, ...parts].join('/');
}
