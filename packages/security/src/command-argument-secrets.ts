import { LOGIN_CLIENTS } from './login-clients';
import { isSecretName } from './secret-names';
import { mask, REDACTED, VALUE_PIECE } from './secret-value';

/*
 * Secrets that only the command around them reveals: a plain argument is a password because the program
 * is `htpasswd -b`, `docker login -p` or `aws configure set aws_secret_access_key`, or because the next
 * command of the pipeline reads a password from stdin (`echo pw | sudo -S …`). The text is cut into simple
 * commands and words (quotes understood, one pass, linear), and each rule looks at a command's words.
 */

interface Word {
  start: number;
  end: number;
  text: string;
  /** `<<<`, `>`, `2>&1`-like redirection operators are words of their own. */
  operator: boolean;
}

interface SimpleCommand {
  words: Word[];
  /** What ends it: `|`, `||`, `&&`, `;`, newline, `&`, `(`/`)` or the end of the text. */
  end: string;
}

/** Words kept per command: the rules read a command's beginning, and memory must not follow 1 MiB lines. */
const MAX_WORDS = 512;

/** Runs a program given as their argument; skipped to find the program that matters. */
const WRAPPERS = new Set([
  'sudo',
  'doas',
  'env',
  'command',
  'exec',
  'nohup',
  'time',
  'nice',
  'ionice',
  'stdbuf',
]);
const WRAPPER_VALUE_FLAGS = new Set(['-u', '-g', '-p', '-C', '-D', '-h', '-r', '-t', '-T', '-U', '-n', '-c']);

/** sudo's options that take a value (`-u root`, `-p prompt`). */
const SUDO_VALUE_FLAGS = new Set(['-u', '-g', '-p', '-C', '-D', '-h', '-r', '-R', '-t', '-T', '-U']);

const GIT_CONFIG_VALUE_FLAGS = new Set(['-f', '--file', '--blob', '--type', '--default', '--comment']);

/** Cheap pre-check: the rules below cannot match text without one of these words. */
const TRIGGERS = /login|htpasswd|openssl|config|sudo|passwd|-stdin|<<</;

const WORD = new RegExp(`(?:${VALUE_PIECE}){1,64}`, 'y');

/**
 * Masks arguments that are secrets because of the command they belong to. Words that already hold `***`
 * are left as they are.
 *
 * @example
 * ```ts
 * redactCommandArguments('htpasswd -b .htpasswd alice hunter2'); // 'htpasswd -b .htpasswd alice ***'
 * ```
 */
export function redactCommandArguments(text: string): string {
  if (!TRIGGERS.test(text)) return text;
  const secrets: Word[] = [];
  let previous: SimpleCommand | null = null;
  for (const command of simpleCommands(text)) {
    collectSecrets(command, secrets);
    if (previous?.end === '|' && readsPasswordFromStdin(command.words)) {
      const value = echoedValue(previous.words);
      if (value) secrets.push(value);
    }
    previous = command;
  }
  if (secrets.length === 0) return text;
  secrets.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const word of secrets) {
    if (word.start < at || word.text.includes(REDACTED)) continue;
    out += text.slice(at, word.start) + mask(word.text);
    at = word.end;
  }
  return out + text.slice(at);
}

function collectSecrets(command: SimpleCommand, secrets: Word[]): void {
  const words = command.words;
  const p = programIndex(words);
  if (p < 0) return;
  const program = basename(words[p]!.text);
  const args = words.slice(p + 1);
  if (LOGIN_CLIENTS.has(program)) loginPassword(args, secrets);
  else if (program === 'htpasswd') htpasswdPassword(args, secrets);
  else if (program === 'openssl') flagValues(args, ['-k', '-K'], secrets);
  else if (program === 'aws') configSetValue(args, 'configure', secrets);
  else if (program === 'npm' || program === 'yarn' || program === 'pnpm')
    configSetValue(args, 'config', secrets);
  else if (program === 'git') gitConfigValue(args, secrets);
  if (readsPasswordFromStdin(words)) hereStringValue(words, secrets);
}

/** `docker login -p PASSWORD` and `-pPASSWORD` (after the `login` word). */
function loginPassword(args: Word[], secrets: Word[]): void {
  const login = args.findIndex((w, i) => i < 4 && bare(w) === 'login');
  if (login < 0) return;
  for (let i = login + 1; i < args.length; i++) {
    const text = args[i]!.text;
    if (text === '-p') {
      const next = args[i + 1];
      if (next && !next.operator && !next.text.startsWith('-')) secrets.push(next);
    } else if (text.startsWith('-p') && !text.startsWith('--') && text.length > 2) {
      secrets.push(part(args[i]!, 2));
    }
  }
}

/** `htpasswd -b[c…] [file] user PASSWORD`: with `-b`, the last argument is the password. */
function htpasswdPassword(args: Word[], secrets: Word[]): void {
  const flags = args.filter((w) => /^-[A-Za-z]+$/.test(w.text));
  if (!flags.some((w) => w.text.includes('b'))) return;
  const positional = positionals(args).filter((w) => !w.text.startsWith('-'));
  if (positional.length >= 2) secrets.push(positional[positional.length - 1]!);
}

/** The word after any of `flags` (`openssl enc -k PASSWORD`). */
function flagValues(args: Word[], flags: readonly string[], secrets: Word[]): void {
  for (let i = 0; i + 1 < args.length; i++) {
    if (flags.includes(args[i]!.text) && !args[i + 1]!.operator) secrets.push(args[i + 1]!);
  }
}

/** `aws configure set NAME VALUE`, `npm config set NAME VALUE`: VALUE when NAME says secret. */
function configSetValue(args: Word[], verb: string, secrets: Word[]): void {
  const at = args.findIndex((w, i) => bare(w) === verb && bare(args[i + 1]) === 'set');
  if (at < 0) return;
  const rest: Word[] = [];
  for (let i = at + 2; i < args.length && rest.length < 2; i++) {
    const w = args[i]!;
    if (w.operator) break;
    // `--profile dev` and the like may come anywhere; they take a value unless written `--x=y`.
    if (w.text.startsWith('--')) {
      if (!w.text.includes('=')) i++;
      continue;
    }
    rest.push(w);
  }
  if (rest.length === 2 && isSecretLeaf(bare(rest[0]))) secrets.push(rest[1]!);
}

/** `git config [--global] user.password VALUE`. */
function gitConfigValue(args: Word[], secrets: Word[]): void {
  if (bare(args[0]) !== 'config') return;
  const rest: Word[] = [];
  for (let i = 1; i < args.length && rest.length < 2; i++) {
    const w = args[i]!;
    if (w.operator) break;
    if (w.text.startsWith('-')) {
      if (GIT_CONFIG_VALUE_FLAGS.has(w.text)) i++;
      continue;
    }
    rest.push(w);
  }
  if (rest.length === 2 && isSecretLeaf(bare(rest[0]))) secrets.push(rest[1]!);
}

/** `sudo -S cmd <<< PASSWORD`. */
function hereStringValue(words: Word[], secrets: Word[]): void {
  for (let i = 0; i + 1 < words.length; i++) {
    if (words[i]!.operator && words[i]!.text === '<<<' && !words[i + 1]!.operator)
      secrets.push(words[i + 1]!);
  }
}

/**
 * Does this command read a password from its stdin? `sudo -S`, `passwd --stdin`, `chpasswd`,
 * `… login --password-stdin`, `htpasswd -i`, `openssl … -pass stdin`.
 */
function readsPasswordFromStdin(words: Word[]): boolean {
  const p = firstProgramIndex(words);
  if (p < 0) return false;
  const program = basename(words[p]!.text);
  const args = words.slice(p + 1).map((w) => w.text);
  switch (program) {
    case 'sudo': {
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if (a === '--stdin') return true;
        if (!a.startsWith('-')) return false;
        if (/^-[A-Za-z]*S/.test(a)) return true;
        if (SUDO_VALUE_FLAGS.has(a)) i++; // `-u root`: the value is no program
      }
      return false;
    }
    case 'passwd':
      return args.includes('--stdin');
    case 'chpasswd':
      return true;
    case 'htpasswd':
      return args.some((a) => /^-[A-Za-z]*i/.test(a));
    case 'openssl':
      return args.some((a, i) => a === 'stdin' && /^-pass(?:in|out)?$/.test(args[i - 1] ?? ''));
    default:
      return args.includes('--password-stdin') && args.slice(0, 4).includes('login');
  }
}

/** The value `echo VALUE` / `printf FORMAT VALUE` hands to the next command of a pipeline. */
function echoedValue(words: Word[]): Word | null {
  const p = programIndex(words);
  if (p < 0) return null;
  const program = basename(words[p]!.text);
  if (program !== 'echo' && program !== 'printf') return null;
  const args = words.slice(p + 1).filter((w) => !w.operator);
  const last = args[args.length - 1];
  return last && !(program === 'echo' && /^-[neE]+$/.test(last.text)) ? last : null;
}

/** Non-operator words, without the targets of redirections. */
function positionals(args: Word[]): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i]!.operator) i++;
    else out.push(args[i]!);
  }
  return out;
}

/** The program a command runs, past assignments and wrappers (`sudo -u x docker …` is `docker`). */
function programIndex(words: Word[]): number {
  let i = firstProgramIndex(words);
  while (i >= 0 && i < words.length && WRAPPERS.has(basename(words[i]!.text))) {
    i++;
    while (i < words.length && words[i]!.text.startsWith('-')) {
      if (WRAPPER_VALUE_FLAGS.has(words[i]!.text)) i++;
      i++;
    }
    while (i < words.length && isAssignment(words[i]!)) i++;
  }
  return i < words.length ? i : -1;
}

function firstProgramIndex(words: Word[]): number {
  let i = 0;
  while (i < words.length && (isAssignment(words[i]!) || words[i]!.operator)) i += words[i]!.operator ? 2 : 1;
  return i < words.length ? i : -1;
}

function isAssignment(word: Word): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(word.text);
}

/** `profile.dev.aws_secret_access_key` → is `aws_secret_access_key` secret? (`credential.helper` is not.) */
function isSecretLeaf(name: string): boolean {
  const leaf = name.slice(name.lastIndexOf('.') + 1);
  return leaf !== '' && isSecretName(leaf);
}

function basename(text: string): string {
  const b = bareText(text);
  return b.slice(b.lastIndexOf('/') + 1);
}

function bare(word: Word | undefined): string {
  return word ? bareText(word.text) : '';
}

/** Quote removal, roughly: enough to compare a word with a name. */
function bareText(text: string): string {
  return text.replace(/^\$'/, '').replace(/["'\\]/g, '');
}

function part(word: Word, from: number): Word {
  return { start: word.start + from, end: word.end, text: word.text.slice(from), operator: false };
}

/** Cuts text into simple commands of words; quotes are understood, so `'a | b'` is one word. */
function* simpleCommands(text: string): Generator<SimpleCommand> {
  let words: Word[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '`') {
      i++;
    } else if (c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      let end = i + 1;
      while (end < text.length && end - i < 3 && '&|;'.includes(text[end]!) && text[end] === c) end++;
      yield { words, end: text.slice(i, end) };
      words = [];
      i = end;
    } else if (c === '<' || c === '>') {
      let end = i + 1;
      while (end < text.length && end - i < 3 && '<>&'.includes(text[end]!)) end++;
      push(words, { start: i, end, text: text.slice(i, end), operator: true });
      i = end;
    } else {
      let end = i;
      // A word longer than one match (more than 64 pieces) is matched on, piece run by piece run.
      for (;;) {
        WORD.lastIndex = end;
        if (!WORD.test(text)) break;
        end = WORD.lastIndex;
      }
      if (end === i) end = i + 1;
      push(words, { start: i, end, text: text.slice(i, end), operator: false });
      i = end;
    }
  }
  yield { words, end: '' };
}

function push(words: Word[], word: Word): void {
  if (words.length < MAX_WORDS) words.push(word);
}
