/**
 * A piece of a word: text the parser knows (after quote removal), or an expansion whose value only the
 * running shell knows. `quoted` text has inert glob characters; an unquoted expansion may split into
 * several words and glob.
 */
export type WordPart =
  | { kind: 'text'; text: string; quoted: boolean }
  | { kind: 'unknown'; quoted: boolean; source: UnknownSource };

export type UnknownSource = 'variable' | 'command substitution' | 'arithmetic' | 'process substitution';

export interface ShellWord {
  parts: WordPart[];
}

/** The word's text when it is fully known (no expansion), else `null`. */
export function wordText(word: ShellWord): string | null {
  let text = '';
  for (const part of word.parts) {
    if (part.kind !== 'text') return null;
    text += part.text;
  }
  return text;
}

/**
 * Word pieces and commands read at most; beyond, parsing stops and the result is `truncated`. It bounds
 * the work one command line costs (a policy runs before every command), whatever its length.
 */
const MAX_STEPS = 100_000;
/** `$(` inside `$(` inside …: recursion stops here (the rest is skipped and reported as truncated). */
const MAX_DEPTH = 32;
/** Thrown to stop a parse that used up its steps; caught by {@link parseShell}. */
export const STOP = Symbol('stop');

const PLAIN = /[^ \t\n;&|()<>\\'"$`]+/y;
const IN_DOUBLE_QUOTES = /[^"\\$`]+/y;
const ANSI_C_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** What every reader of one parse shares: whether the text ended early, was cut, and the work done. */
export interface ReaderState {
  incomplete: boolean;
  truncated: boolean;
  steps: number;
}

/**
 * Reads shell words: quote removal (`'…'`, `"…"`, `$'…'`, `\`), and the expansions whose values only the
 * running shell knows (`$name`, `${…}`, `$(…)`, backquotes, `<(…)`, `$((…))`), whose inner commands the
 * parser built on it reads as commands. The command level is {@link parseShell}'s.
 */
export abstract class ShellWordReader {
  protected i = 0;

  constructor(
    protected readonly src: string,
    protected readonly shared: ReaderState,
    protected readonly depth: number,
  ) {}

  /** Reads the commands of a `$( )` or `<( )` from `at` to its `)`; returns the index after it. */
  protected abstract listUntilParen(at: number, fn: string | undefined): number;
  /** Reads `text` as a script of its own (a backquoted command). */
  protected abstract script(text: string, fn: string | undefined): void;

  protected step(): void {
    if (++this.shared.steps > MAX_STEPS) throw STOP;
  }

  protected skipBlanks(): number {
    while (this.src[this.i] === ' ' || this.src[this.i] === '\t') this.i++;
    return this.i;
  }

  /** One word, or `null` at a metacharacter. */
  protected word(fn: string | undefined): ShellWord | null {
    const src = this.src;
    const parts: WordPart[] = [];
    const start = this.i;
    while (this.i < src.length) {
      this.step();
      const c = src[this.i]!;
      if (c === '(' && this.i > start && isArrayStart(parts)) {
        this.i++;
        this.arrayValue(fn);
        parts.push({ kind: 'unknown', quoted: false, source: 'variable' });
      } else if ((c === '<' || c === '>') && src[this.i + 1] === '(' && this.i === start) {
        this.i += 2;
        this.substitution(fn);
        parts.push({ kind: 'unknown', quoted: false, source: 'process substitution' });
      } else if (' \t\n;&|()<>'.includes(c)) {
        break;
      } else if (c === '\\') {
        if (this.i + 1 >= src.length) {
          this.shared.incomplete = true;
          this.i++;
          break;
        }
        if (src[this.i + 1] !== '\n') text(parts, src[this.i + 1]!, true);
        this.i += 2;
      } else if (c === "'") {
        const end = src.indexOf("'", this.i + 1);
        if (end < 0) this.shared.incomplete = true;
        text(parts, src.slice(this.i + 1, end < 0 ? src.length : end), true);
        this.i = end < 0 ? src.length : end + 1;
      } else if (c === '"') {
        this.i++;
        this.inDoubleQuotes(parts, false, fn);
      } else if (c === '$') {
        this.dollar(parts, false, fn);
      } else if (c === '`') {
        this.backquote(parts, false, fn);
      } else {
        PLAIN.lastIndex = this.i;
        PLAIN.test(src);
        text(parts, src.slice(this.i, PLAIN.lastIndex), false);
        this.i = PLAIN.lastIndex;
      }
    }
    return this.i > start ? { parts } : null;
  }

  /** The inside of `"…"` (or a heredoc body, which has no closing quote). */
  protected inDoubleQuotes(parts: WordPart[], body: boolean, fn?: string): void {
    const src = this.src;
    while (this.i < src.length) {
      const c = src[this.i]!;
      if (c === '"' && !body) {
        this.i++;
        return;
      }
      if (c === '\\') {
        const next = src[this.i + 1];
        if (next === '\n') this.i += 2;
        else if (next !== undefined && '$`"\\'.includes(next)) {
          text(parts, next, true);
          this.i += 2;
        } else {
          text(parts, '\\', true);
          this.i++;
        }
      } else if (c === '$') {
        this.dollar(parts, true, fn);
      } else if (c === '`') {
        this.backquote(parts, true, fn);
      } else {
        IN_DOUBLE_QUOTES.lastIndex = this.i;
        IN_DOUBLE_QUOTES.test(src);
        const end = Math.max(IN_DOUBLE_QUOTES.lastIndex, this.i + 1);
        text(parts, src.slice(this.i, end), true);
        this.i = end;
      }
    }
    if (!body) this.shared.incomplete = true;
  }

  private dollar(parts: WordPart[], quoted: boolean, fn: string | undefined): void {
    const src = this.src;
    const next = src[this.i + 1];
    if (next === "'" && !quoted) {
      this.i += 2;
      text(parts, this.ansiC(), true);
    } else if (next === '"' && !quoted) {
      this.i += 2;
      this.inDoubleQuotes(parts, false, fn);
    } else if (next === '(' && src[this.i + 2] === '(') {
      this.i += 3;
      this.arithmetic();
      parts.push({ kind: 'unknown', quoted, source: 'arithmetic' });
    } else if (next === '(') {
      this.i += 2;
      this.substitution(fn);
      parts.push({ kind: 'unknown', quoted, source: 'command substitution' });
    } else if (next === '{') {
      this.i += 2;
      this.braced();
      parts.push({ kind: 'unknown', quoted, source: 'variable' });
    } else if (next === '[') {
      const end = src.indexOf(']', this.i);
      this.i = end < 0 ? src.length : end + 1;
      parts.push({ kind: 'unknown', quoted, source: 'arithmetic' });
    } else if (next !== undefined && /[A-Za-z_]/.test(next)) {
      const name = /[A-Za-z_][A-Za-z0-9_]*/y;
      name.lastIndex = this.i + 1;
      name.test(src);
      this.i = name.lastIndex;
      parts.push({ kind: 'unknown', quoted, source: 'variable' });
    } else if (next !== undefined && /[0-9@*#?$!-]/.test(next)) {
      this.i += 2;
      parts.push({ kind: 'unknown', quoted, source: 'variable' });
    } else {
      text(parts, '$', quoted);
      this.i++;
    }
  }

  /** `$'…'`: the escapes bash decodes. */
  private ansiC(): string {
    const src = this.src;
    let out = '';
    while (this.i < src.length) {
      const c = src[this.i++]!;
      if (c === "'") return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = src[this.i++];
      if (e === undefined) break;
      const simple = ANSI_C_ESCAPES[e];
      if (simple !== undefined) out += simple;
      else if (e === 'x' || e === 'u' || e === 'U') {
        const max = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = /^[0-9A-Fa-f]+/.exec(src.slice(this.i, this.i + max))?.[0] ?? '';
        this.i += hex.length;
        const code = hex === '' ? Number.NaN : Number.parseInt(hex, 16);
        out += Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : `\\${e}`;
      } else if (/[0-7]/.test(e)) {
        const oct = e + (/^[0-7]{0,2}/.exec(src.slice(this.i, this.i + 2))?.[0] ?? '');
        this.i += oct.length - 1;
        out += String.fromCharCode(Number.parseInt(oct, 8) & 0xff);
      } else if (e === 'c') {
        const ch = src[this.i++] ?? '';
        out += String.fromCharCode(ch.charCodeAt(0) & 0x1f);
      } else out += e === "'" || e === '"' || e === '\\' || e === '?' ? e : `\\${e}`;
    }
    this.shared.incomplete = true;
    return out;
  }

  /** `$( … )` and `<( … )`: a list of commands up to the matching `)`. */
  private substitution(fn: string | undefined): void {
    if (this.depth >= MAX_DEPTH) {
      this.shared.truncated = true;
      this.skipBalanced();
      return;
    }
    this.i = this.listUntilParen(this.i, fn);
  }

  /** Backquotes: the text up to the closing one, unescaped, parsed as a script of its own. */
  private backquote(parts: WordPart[], quoted: boolean, fn: string | undefined): void {
    const src = this.src;
    let content = '';
    let closed = false;
    this.i++;
    while (this.i < src.length) {
      const c = src[this.i++]!;
      if (c === '`') {
        closed = true;
        break;
      }
      if (c === '\\' && this.i < src.length && '`\\$'.includes(src[this.i]!)) content += src[this.i++];
      else content += c;
    }
    if (!closed) this.shared.incomplete = true;
    this.nested(() => this.script(content, fn));
    parts.push({ kind: 'unknown', quoted, source: 'command substitution' });
  }

  /** Reads other text (a backquoted script, a heredoc body) one level deeper. */
  protected nested(read: () => void): void {
    if (this.depth >= MAX_DEPTH) {
      this.shared.truncated = true;
      return;
    }
    const incomplete = this.shared.incomplete;
    read();
    // Whether that text closed its own quotes is no concern of the outer script.
    this.shared.incomplete = incomplete;
  }

  /** `${ … }`: unknown value; the substitutions inside it run. */
  private braced(): void {
    const src = this.src;
    const sink: WordPart[] = [];
    while (this.i < src.length) {
      const c = src[this.i]!;
      if (c === '}') {
        this.i++;
        return;
      }
      if (c === '$') this.dollar(sink, true, undefined);
      else if (c === '`') this.backquote(sink, true, undefined);
      else if (c === '"') {
        this.i++;
        this.inDoubleQuotes(sink, false);
      } else if (c === "'") {
        const end = src.indexOf("'", this.i + 1);
        this.i = end < 0 ? src.length : end + 1;
      } else this.i += c === '\\' ? 2 : 1;
    }
    this.shared.incomplete = true;
  }

  /** `$(( … ))`, `(( … ))`, `for (( … ))`: up to the matching `))`; substitutions inside run. */
  protected arithmetic(): void {
    const src = this.src;
    const sink: WordPart[] = [];
    let depth = 0;
    while (this.i < src.length) {
      const c = src[this.i]!;
      if (c === '(') {
        depth++;
        this.i++;
      } else if (c === ')') {
        if (depth === 0 && src[this.i + 1] === ')') {
          this.i += 2;
          return;
        }
        depth = Math.max(0, depth - 1);
        this.i++;
      } else if (c === '$') this.dollar(sink, true, undefined);
      else if (c === '`') this.backquote(sink, true, undefined);
      else this.i += c === '\\' ? 2 : 1;
    }
    this.shared.incomplete = true;
  }

  /** `name=( … )`: the words of an array value (their substitutions run). */
  private arrayValue(fn: string | undefined): void {
    while (this.i < this.src.length) {
      const c = this.src[this.skipBlanks()];
      if (c === ')') {
        this.i++;
        return;
      }
      if (c === '\n') this.i++;
      else if (!this.word(fn)) this.i++;
    }
    this.shared.incomplete = true;
  }

  /** Past a `( … )` without reading it (too deep to follow). */
  private skipBalanced(): void {
    let depth = 1;
    while (this.i < this.src.length && depth > 0) {
      const c = this.src[this.i++];
      if (c === '(') depth++;
      else if (c === ')') depth--;
    }
    if (depth > 0) this.shared.incomplete = true;
  }
}

/** Appends text, merging with the previous part when its quoting is the same. */
function text(parts: WordPart[], value: string, quoted: boolean): void {
  const last = parts[parts.length - 1];
  if (last?.kind === 'text' && last.quoted === quoted) last.text += value;
  else parts.push({ kind: 'text', text: value, quoted });
}

/** The word so far is `NAME=` or `NAME+=`: a `(` opens an array value. */
function isArrayStart(parts: WordPart[]): boolean {
  const only = parts[0];
  return (
    parts.length === 1 &&
    only?.kind === 'text' &&
    !only.quoted &&
    /^[A-Za-z_][A-Za-z0-9_]*\+?=$/.test(only.text)
  );
}
