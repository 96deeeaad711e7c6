import {
  ShellWordReader,
  STOP,
  wordText,
  type ReaderState,
  type ShellWord,
  type WordPart,
} from './shell-word-reader';

export { wordText, type ShellWord, type UnknownSource, type WordPart } from './shell-word-reader';

export interface Redirect {
  /** `>`, `>>`, `>|`, `<`, `<>`, `>&`, `<&`, `&>`, `&>>`. */
  op: string;
  target: ShellWord;
}

export interface Heredoc {
  body: string;
  /** The delimiter was quoted: the body is literal text, no expansion. */
  quoted: boolean;
}

/** One simple command: what the shell would run, with what it reads and writes. */
export interface SimpleCommand {
  /** `NAME=value` words before the program. */
  assignments: { name: string; value: ShellWord }[];
  /** The program and its arguments. */
  words: ShellWord[];
  redirects: Redirect[];
  heredocs: Heredoc[];
  /** `<<< word` */
  hereStrings: ShellWord[];
  /** Its stdin is a pipe from the command before it. */
  pipedInto: boolean;
  /** Set when it is in the body of a function definition: the function's name. */
  inFunction?: string;
  /**
   * That body defined a function of its own name before this command (`f() { f() { :; }; f; }`): a call
   * of the name may reach the new definition, depending on whether that definition ran.
   */
  inFunctionRedefined?: true;
  /** It had more words than the parser keeps (`MAX_WORDS`): `words` holds the first ones. */
  moreWords?: true;
}

export interface ParsedScript {
  /**
   * Every simple command, in the order the parser met them; the commands of a `$( )`, backquote or
   * `<( )` come before the command whose word holds them, those of a heredoc body after its command.
   */
  commands: SimpleCommand[];
  /** The shell would wait for more: an open quote, heredoc, `$(`, group, or a trailing `\`, `|`, `&&`. */
  incomplete: boolean;
  /** More commands or deeper nesting than the parser follows: what it did not read is not in `commands`. */
  truncated: boolean;
}

/** Commands recorded at most; a 1 MiB line of `ls;` must not become half a million objects. */
const MAX_COMMANDS = 4096;
/** Words kept per command: the rest of a 1 MiB argument list is counted, not kept. */
const MAX_WORDS = 1024;

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/;
const FD = /\d+(?=[<>])/y;
const SKIPPED_KEYWORDS = new Set(['!', 'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until']);
const REDIRECTS = ['<<<', '<<-', '<<', '<>', '<&', '<', '>>', '>&', '>|', '>'];

type Frame =
  { kind: 'group'; closer: '}' | ')'; fn?: string; redefined?: true } | { kind: 'case'; inPattern: boolean };
type GroupFrame = Extract<Frame, { kind: 'group' }>;

interface PendingHeredoc {
  delimiter: string;
  stripTabs: boolean;
  quoted: boolean;
  command: SimpleCommand;
}

interface Shared extends ReaderState {
  commands: SimpleCommand[];
}

/**
 * Parses shell text (bash syntax, as far as a guard needs it) into simple commands: quote removal
 * (`'…'`, `"…"`, `$'…'`, `\`), operators (`;` `&&` `||` `|` `|&` `&`, newlines), subshells, groups,
 * compound commands, function definitions, redirections, heredocs, and the commands inside `$( )`,
 * backquotes, `<( )`, `${ … }` and `$(( ))`. Expansions become `unknown` parts. Never throws; its work is
 * linear in the text and bounded (see `truncated`).
 *
 * @example
 * ```ts
 * parseShell("r''m -rf /").commands[0].words.map(wordText); // ['rm', '-rf', '/']
 * ```
 */
export function parseShell(text: string): ParsedScript {
  const shared: Shared = { commands: [], incomplete: false, truncated: false, steps: 0 };
  try {
    new Parser(text, shared, 0).parseList(false, undefined);
  } catch {
    // Out of steps, or a parser bug: either way, report what it did not read.
    shared.truncated = true;
  }
  return { commands: shared.commands, incomplete: shared.incomplete, truncated: shared.truncated };
}

/** The text of a word that is one unquoted literal (a reserved word must be), else `null`. */
function keyword(word: ShellWord): string | null {
  const only = word.parts[0];
  return word.parts.length === 1 && only?.kind === 'text' && !only.quoted ? only.text : null;
}

class Parser extends ShellWordReader {
  private heredocs: PendingHeredoc[] = [];

  constructor(
    src: string,
    protected override readonly shared: Shared,
    depth: number,
  ) {
    super(src, shared, depth);
  }

  protected listUntilParen(at: number, fn: string | undefined): number {
    const inner = new Parser(this.src, this.shared, this.depth + 1);
    inner.i = at;
    inner.parseList(true, fn);
    return inner.i;
  }

  protected script(text: string, fn: string | undefined): void {
    new Parser(text, this.shared, this.depth + 1).parseList(false, fn);
  }

  /** Reads commands until the end of the text or, for `$( )` and `<( )`, the `)` that closes it. */
  parseList(inParens: boolean, outerFn: string | undefined): void {
    const src = this.src;
    const frames: Frame[] = [];
    let command = newCommand();
    let piped = false;
    let needMore = false;
    let pendingFn: string | undefined;
    const fnFrame = (): GroupFrame | undefined => {
      for (let f = frames.length - 1; f >= 0; f--) {
        const frame = frames[f]!;
        if (frame.kind === 'group' && frame.fn !== undefined) return frame;
      }
      return undefined;
    };
    const fnNow = (): string | undefined => fnFrame()?.fn ?? outerFn;
    const defineFn = (name: string): void => {
      pendingFn = name;
      const body = fnFrame();
      if (body?.fn === name) body.redefined = true;
    };
    const finish = (pipeNext = false): void => {
      if (command.words.length + command.assignments.length + command.redirects.length > 0) {
        command.pipedInto = piped;
        const fn = fnNow();
        if (fn !== undefined) command.inFunction = fn;
        if (fnFrame()?.redefined) command.inFunctionRedefined = true;
        this.record(command);
      }
      command = newCommand();
      piped = pipeNext;
    };
    const top = (): Frame | undefined => frames[frames.length - 1];

    while (this.i < src.length) {
      const c = src[this.i]!;
      if (c === ' ' || c === '\t') {
        this.i++;
      } else if (c === '\\' && src[this.i + 1] === '\n') {
        this.i += 2;
      } else if (c === '#') {
        const end = src.indexOf('\n', this.i);
        this.i = end < 0 ? src.length : end;
      } else if (c === '\n') {
        finish();
        this.i++;
        this.readHeredocs();
      } else if (c === ';') {
        const op = src.startsWith(';;&', this.i)
          ? ';;&'
          : src.startsWith(';;', this.i) || src.startsWith(';&', this.i)
            ? src.slice(this.i, this.i + 2)
            : ';';
        this.i += op.length;
        finish();
        const frame = top();
        if (op !== ';' && frame?.kind === 'case') frame.inPattern = true;
      } else if (c === '&' && src[this.i + 1] === '>') {
        this.redirect(command);
      } else if (c === '|' && inCasePattern(top())) {
        this.i++;
      } else if (c === '&' || c === '|') {
        const two = src.slice(this.i, this.i + 2);
        const op = two === '&&' || two === '||' || two === '|&' ? two : c;
        this.i += op.length;
        finish(op === '|' || op === '|&');
        needMore = op !== '&';
      } else if (c === '(') {
        if (inCasePattern(top())) {
          this.i++;
        } else if (isEmpty(command) && src[this.i + 1] === '(') {
          this.i += 2;
          this.arithmetic();
        } else if (command.words.length === 1 && command.assignments.length === 0 && this.emptyParens()) {
          defineFn(wordText(command.words[0]!) ?? '');
          command = newCommand();
        } else {
          if (!isEmpty(command)) finish();
          frames.push({ kind: 'group', closer: ')', ...(pendingFn === undefined ? {} : { fn: pendingFn }) });
          pendingFn = undefined;
          this.i++;
        }
      } else if (c === ')') {
        this.i++;
        const frame = top();
        if (frame?.kind === 'case' && frame.inPattern) {
          frame.inPattern = false;
          continue;
        }
        finish();
        if (frame?.kind === 'group' && frame.closer === ')') frames.pop();
        else if (inParens && frames.length === 0) return;
      } else if ((c === '<' || c === '>') && src[this.i + 1] !== '(') {
        this.redirect(command);
      } else {
        FD.lastIndex = this.i;
        if (FD.test(src) && src[FD.lastIndex + 1] !== '(') {
          this.i = FD.lastIndex;
          this.redirect(command);
          continue;
        }
        const word = this.word(fnNow());
        if (!word) {
          this.i++;
          continue;
        }
        needMore = false;
        const frame = top();
        if (inCasePattern(frame)) {
          if (keyword(word) === 'esac') frames.pop();
          continue;
        }
        const kw = isEmpty(command) ? keyword(word) : null;
        if (kw === '{') {
          frames.push({ kind: 'group', closer: '}', ...(pendingFn === undefined ? {} : { fn: pendingFn }) });
          pendingFn = undefined;
        } else if (kw === '}' && frame?.kind === 'group' && frame.closer === '}') {
          frames.pop();
        } else if (kw === 'esac' && frame?.kind === 'case') {
          frames.pop();
        } else if (kw !== null && SKIPPED_KEYWORDS.has(kw)) {
          // Not a command: the one after it is.
        } else if (kw === 'case') {
          this.skipWordsUntil('in');
          frames.push({ kind: 'case', inPattern: true });
        } else if (kw === 'for' || kw === 'select') {
          if (src.startsWith('((', this.skipBlanks())) {
            this.i += 2;
            this.arithmetic();
          } else this.skipWordsUntil('do');
        } else if (kw === 'function') {
          this.skipBlanks();
          const name = this.word(fnNow());
          defineFn(name ? (wordText(name) ?? '') : '');
          this.skipBlanks();
          this.emptyParens();
        } else if (kw === '[[') {
          this.conditional();
        } else {
          const assignment = command.words.length === 0 ? assignmentOf(word) : null;
          if (command.words.length + command.assignments.length >= MAX_WORDS) command.moreWords = true;
          else if (assignment) command.assignments.push(assignment);
          else command.words.push(word);
        }
      }
    }
    finish();
    if (frames.length > 0 || inParens || needMore || this.heredocs.length > 0) this.shared.incomplete = true;
  }

  private record(command: SimpleCommand): void {
    this.step();
    if (this.shared.commands.length >= MAX_COMMANDS) throw STOP;
    this.shared.commands.push(command);
  }

  /** `( )` with only blanks between; consumed when present. */
  private emptyParens(): boolean {
    let j = this.i;
    if (this.src[j] !== '(') return false;
    j++;
    while (this.src[j] === ' ' || this.src[j] === '\t') j++;
    if (this.src[j] !== ')') return false;
    this.i = j + 1;
    return true;
  }

  /** `case WORD in`, `for NAME in WORDS; do`: words that are not commands (their substitutions are). */
  private skipWordsUntil(stop: string): void {
    for (;;) {
      const c = this.src[this.skipBlanks()];
      if (c === undefined || c === ';' || (c === '\n' && stop !== 'in')) return;
      if (c === '\n') {
        this.i++;
        continue;
      }
      const word = this.word(undefined);
      if (!word || keyword(word) === stop) return;
    }
  }

  /** `[[ … ]]`: operators inside are part of the expression, not of the command line. */
  private conditional(): void {
    while (this.i < this.src.length) {
      const c = this.src[this.i]!;
      if (' \t\n;&|()<>'.includes(c)) {
        this.i++;
        continue;
      }
      const word = this.word(undefined);
      if (!word) this.i++;
      else if (keyword(word) === ']]') return;
    }
    this.shared.incomplete = true;
  }

  private redirect(command: SimpleCommand): void {
    const src = this.src;
    let op = src[this.i] === '&' ? (src.startsWith('&>>', this.i) ? '&>>' : '&>') : undefined;
    op ??= REDIRECTS.find((r) => src.startsWith(r, this.i)) ?? src[this.i]!;
    this.i += op.length;
    this.skipBlanks();
    const start = this.i;
    const target = this.word(undefined);
    if (!target) {
      this.shared.incomplete ||= this.i >= src.length;
      return;
    }
    if (op === '<<' || op === '<<-') {
      const delimiter = wordText({ parts: target.parts.filter((p) => p.kind === 'text') }) ?? '';
      const quoted = /['"\\]/.test(src.slice(start, this.i));
      this.heredocs.push({ delimiter, stripTabs: op === '<<-', quoted, command });
    } else if (op === '<<<') {
      command.hereStrings.push(target);
    } else {
      command.redirects.push({ op, target });
    }
  }

  /** After a newline: the bodies of the heredocs the line opened, in order. */
  private readHeredocs(): void {
    const pending = this.heredocs;
    this.heredocs = [];
    for (const doc of pending) {
      let body = '';
      let closed = false;
      while (this.i < this.src.length) {
        const eol = this.src.indexOf('\n', this.i);
        const end = eol < 0 ? this.src.length : eol;
        const raw = this.src.slice(this.i, end);
        const line = doc.stripTabs ? raw.replace(/^\t+/, '') : raw;
        this.i = eol < 0 ? end : end + 1;
        if (line === doc.delimiter) {
          closed = true;
          break;
        }
        body += `${line}\n`;
      }
      if (!closed) this.shared.incomplete = true;
      doc.command.heredocs.push({ body, quoted: doc.quoted });
      // An unquoted body expands `$( )` and backquotes: those run.
      if (!doc.quoted && /[$`]/.test(body)) {
        this.nested(() => new Parser(body, this.shared, this.depth + 1).inDoubleQuotes([], true));
      }
    }
  }
}

function inCasePattern(frame: Frame | undefined): boolean {
  return frame?.kind === 'case' && frame.inPattern;
}

function newCommand(): SimpleCommand {
  return { assignments: [], words: [], redirects: [], heredocs: [], hereStrings: [], pipedInto: false };
}

function isEmpty(command: SimpleCommand): boolean {
  return command.words.length + command.assignments.length + command.redirects.length === 0;
}

/** `NAME=value` (unquoted name): the assignment, or `null`. */
function assignmentOf(word: ShellWord): { name: string; value: ShellWord } | null {
  const first = word.parts[0];
  if (first?.kind !== 'text' || first.quoted) return null;
  const m = ASSIGNMENT.exec(first.text);
  if (!m) return null;
  const rest = first.text.slice(m[0].length);
  const value: WordPart[] = rest === '' ? [] : [{ kind: 'text', text: rest, quoted: false }];
  return { name: m[1]!, value: { parts: [...value, ...word.parts.slice(1)] } };
}
