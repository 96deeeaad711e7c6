import { type CommandStatus } from '@vth/core';
import { parseCommandLine, wordText, type ShellWord, type SimpleCommand, type WordPart } from './shell-words';

/** A value as text and references to the variables of the shell's starting environment. */
type Template = WordPart[];

/** What it takes to give a new shell the environment an old one had. */
export interface EnvironmentSnapshot {
  /** Exported variables with known values: the new session's `env`. */
  env: Record<string, string>;
  /**
   * Commands that restore the rest (values built from the starting environment, like `PATH=$PATH:/opt`,
   * shell variables, unset variables), free of side effects; `undefined` when nothing is left to restore.
   */
  script: string | undefined;
  /** Variables (or `source` commands) whose effect could not be followed: they may differ after a move. */
  untracked: string[];
}

/**
 * Cheap check on every command: only these can change the environment in ways worth parsing: `NAME=`,
 * `NAME+=` (`PATH+=:/opt/bin`), and `.`, `source` by its other name (`. ./venv/bin/activate`): a `.` word
 * standing alone.
 */
const MAY_CHANGE_ENV =
  /export|unset|declare|typeset|readonly|local|source|(^|[\s;&|(.])[A-Za-z_][A-Za-z0-9_]*\+?=|(^|[\s;&|({])\.(\s|$)/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/;
const DECLARING = new Set(['export', 'declare', 'typeset', 'readonly', 'local', 'unset']);
const LEADING_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '{', '!', 'time']);

/**
 * Follows the environment of one session from the commands that ran in it: the env it was created with,
 * then every `export`, `unset`, `declare -x` and plain assignment the user ran, as far as it can be known
 * without running anything. What cannot be known (a value from `$(...)`, an export inside an `if`, a
 * command that timed out) is named in `untracked` instead of guessed.
 *
 * @example
 * ```ts
 * const env = new SessionEnvironment({ A: '1' });
 * env.observe('export B="x y" && cd /tmp', 'completed', 0);
 * env.snapshot(); // { env: { A: '1', B: 'x y' }, script: undefined, untracked: [] }
 * ```
 */
export class SessionEnvironment {
  /** Exported variables set since the start (the creation env included). */
  private readonly exported = new Map<string, Template>();
  /** Shell variables (not exported) set since the start. */
  private readonly shellVars = new Map<string, Template>();
  /** Variables exported by name only (`export NAME` of a variable vth never saw set). */
  private readonly exportedByName = new Set<string>();
  /** Variables of the starting environment that were unset. */
  private readonly removed = new Set<string>();
  private readonly untracked = new Set<string>();

  constructor(creationEnv: Readonly<Record<string, string>> = {}) {
    for (const [name, value] of Object.entries(creationEnv))
      this.exported.set(name, [{ kind: 'text', text: value }]);
  }

  /** Takes account of a command that ended with `status` and `exitCode`. Cheap when it sets nothing. */
  observe(command: string, status: CommandStatus, exitCode: number | null): void {
    if (!MAY_CHANGE_ENV.test(command)) return;
    const parsed = parseCommandLine(command);
    const conditional = parsed.commands.some((c) => c.joinedBy === '||');
    const chained = parsed.commands.some((c) => c.joinedBy === '&&');
    const certain = status === 'completed' && !parsed.complex && !conditional && (!chained || exitCode === 0);
    for (const cmd of parsed.commands) {
      const inSubshell = cmd.nested || cmd.joinedBy === '|' || cmd.endedBy === '|' || cmd.endedBy === '&';
      if (inSubshell) continue;
      if (certain) this.apply(cmd);
      else for (const name of touchedNames(cmd)) this.untracked.add(name);
    }
  }

  /** The variables the shell has now, as far as known, split into env and a restoring script. */
  snapshot(): EnvironmentSnapshot {
    // References mean the starting environment's value, so a referenced variable vth also changed must
    // keep its starting value until every reference has been read: it is set by the script, after them.
    const referenced = new Set<string>();
    for (const map of [this.exported, this.shellVars])
      for (const value of map.values())
        for (const part of value) if (part.kind === 'ref') referenced.add(part.name);

    const env: Record<string, string> = {};
    const assignments: Array<[string, Template, boolean]> = [];
    for (const [name, value] of this.exported) {
      const text = literal(value);
      if (text !== undefined && !referenced.has(name)) env[name] = text;
      else assignments.push([name, value, true]);
    }
    for (const [name, value] of this.shellVars) assignments.push([name, value, false]);

    const changed = new Set([...assignments.map(([name]) => name), ...this.removed]);
    const saved = new Set([...referenced].filter((name) => changed.has(name)));
    const lines: string[] = [];
    for (const name of saved) lines.push(`__vth_saved_${name}="\${${name}-}"`);
    for (const [name, value, isExported] of assignments)
      lines.push(`${isExported ? 'export ' : ''}${name}=${quoteTemplate(value, saved)}`);
    // Unset before exporting by name: `unset B; export B` leaves B exported without a value.
    for (const name of this.removed) lines.push(`unset ${name}`);
    for (const name of this.exportedByName) if (!this.exported.has(name)) lines.push(`export ${name}`);
    if (saved.size > 0) lines.push(`unset ${[...saved].map((n) => `__vth_saved_${n}`).join(' ')}`);
    return {
      env,
      script: lines.length > 0 ? lines.join('; ') : undefined,
      untracked: [...this.untracked],
    };
  }

  private apply(cmd: SimpleCommand): void {
    // `A=1 B=2` alone sets shell variables; `A=1 cmd` only sets them for cmd. First: a word like `K=$A`
    // has no plain text, so it would not be read as a command name below.
    if (cmd.words.length > 0 && cmd.words.every((w) => ASSIGNMENT.test(w.rawText))) {
      for (const w of cmd.words) this.assign(w, this.exported.has(assignedName(w)!));
      return;
    }
    const first = cmd.words[0];
    const head = first ? wordText(first) : undefined;
    if (head === undefined) return;
    if (head === 'source' || head === '.') {
      this.untracked.add(
        `source ${cmd.words
          .slice(1)
          .map((w) => w.rawText)
          .join(' ')}`.trim(),
      );
      return;
    }
    if (head === 'unset') {
      const args = cmd.words.slice(1).map(wordText);
      if (args.includes('-f')) return;
      for (const name of args) if (name !== undefined && !name.startsWith('-')) this.unset(name);
      return;
    }
    if (DECLARING.has(head)) {
      this.declare(head, cmd.words.slice(1));
      return;
    }
  }

  private declare(head: string, args: ShellWord[]): void {
    let exportFlag = head === 'export';
    let unexport = false;
    for (const arg of args) {
      const text = wordText(arg);
      if (text !== undefined && /^[-+][a-zA-Z]+$/.test(text)) {
        if (text.includes('f') || text === '-p') return;
        if (text.startsWith('-') && text.includes('x')) exportFlag = true;
        if (text === '-n' && head === 'export') unexport = true;
        if (text.startsWith('+') && text.includes('x')) unexport = true;
        continue;
      }
      const name = assignedName(arg);
      if (name !== undefined) {
        this.assign(arg, exportFlag && !unexport);
        if (unexport) this.unexport(name);
      } else if (text !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) {
        if (unexport) this.unexport(text);
        else if (exportFlag) this.exportName(text);
      } else {
        // `export "$NAME"=...`: the name itself is computed.
        this.untracked.add(arg.rawText);
      }
    }
  }

  private assign(word: ShellWord, exportIt: boolean): void {
    const name = assignedName(word)!;
    const append = ASSIGNMENT.exec(word.rawText)![2] === '+';
    if (word.dynamic) {
      this.untracked.add(name);
      return;
    }
    let value = this.resolve(valueParts(word, name.length + (append ? 2 : 1)));
    if (append) value = [...(this.current(name) ?? [{ kind: 'ref', name }]), ...value];
    this.untracked.delete(name);
    this.removed.delete(name);
    if (exportIt || this.exported.has(name)) {
      this.exported.set(name, value);
      this.shellVars.delete(name);
    } else {
      this.shellVars.set(name, value);
    }
  }

  private exportName(name: string): void {
    const value = this.shellVars.get(name);
    if (value) {
      this.shellVars.delete(name);
      this.exported.set(name, value);
    } else if (!this.exported.has(name)) {
      this.exportedByName.add(name);
    }
  }

  private unexport(name: string): void {
    const value = this.exported.get(name);
    if (value) {
      this.exported.delete(name);
      this.shellVars.set(name, value);
    }
    this.exportedByName.delete(name);
  }

  private unset(name: string): void {
    this.exported.delete(name);
    this.shellVars.delete(name);
    this.exportedByName.delete(name);
    this.untracked.delete(name);
    this.removed.add(name);
  }

  private current(name: string): Template | undefined {
    if (this.removed.has(name)) return [];
    return this.exported.get(name) ?? this.shellVars.get(name);
  }

  /** References to variables vth knows become their values; the rest stay references. */
  private resolve(parts: Template): Template {
    const out: Template = [];
    for (const part of parts) {
      const known = part.kind === 'ref' ? this.current(part.name) : undefined;
      if (known) out.push(...known);
      else out.push(part);
    }
    return out;
  }
}

function assignedName(word: ShellWord): string | undefined {
  return ASSIGNMENT.exec(word.rawText)?.[1];
}

/** The parts of `NAME=value` after the `=` (the first `skip` characters are `NAME=` or `NAME+=`). */
function valueParts(word: ShellWord, skip: number): Template {
  const [first, ...rest] = word.parts;
  if (first?.kind !== 'text') return rest;
  const tail = first.text.slice(skip);
  return tail === '' ? rest : [{ kind: 'text', text: tail }, ...rest];
}

function literal(value: Template): string | undefined {
  let text = '';
  for (const part of value) {
    if (part.kind !== 'text') return undefined;
    text += part.text;
  }
  return text;
}

function quoteTemplate(value: Template, saved: ReadonlySet<string>): string {
  if (value.length === 0) return "''";
  return value
    .map((part) =>
      part.kind === 'text'
        ? `'${part.text.replaceAll("'", `'\\''`)}'`
        : `"\${${saved.has(part.name) ? `__vth_saved_${part.name}` : part.name}-}"`,
    )
    .join('');
}

/** Names a command might set or unset, for commands whose effect is uncertain. */
function touchedNames(cmd: SimpleCommand): string[] {
  // `then export A=1`, `{ unset B; }`: what follows a keyword is the command.
  let start = 0;
  while (start < cmd.words.length && LEADING_KEYWORDS.has(wordText(cmd.words[start]!) ?? '')) start++;
  const words = cmd.words.slice(start);
  const head = words[0] ? wordText(words[0]) : undefined;
  if (head === 'source' || head === '.')
    return [
      `source ${words
        .slice(1)
        .map((w) => w.rawText)
        .join(' ')}`.trim(),
    ];
  const names: string[] = [];
  const declares = head !== undefined && DECLARING.has(head);
  for (const [index, word] of words.entries()) {
    const name = assignedName(word);
    if (name !== undefined && (declares || words.every((w) => ASSIGNMENT.test(w.rawText)))) names.push(name);
    else if (declares && index > 0) {
      const text = wordText(word);
      if (text !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) names.push(text);
    }
  }
  return names;
}
