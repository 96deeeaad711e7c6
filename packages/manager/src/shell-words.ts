/**
 * A word of a shell command as far as environment tracking needs it: its text after quote removal, split
 * into literal parts and plain variable references (`$NAME`, `${NAME}`). `dynamic` marks anything whose
 * value only the shell can know or whose evaluation could have effects: command substitution, arithmetic,
 * `${NAME:-...}` forms, globs, tildes, special parameters.
 */
export interface ShellWord {
  parts: WordPart[];
  dynamic: boolean;
  /** The word as typed, quotes included (tells `NAME=value` from `"NAME=value"`). */
  rawText: string;
}

export type WordPart = { kind: 'text'; text: string } | { kind: 'ref'; name: string };

type Separator = ';' | '&&' | '||' | '|' | '&';

/** A simple command: its words, and the operators before and after it (`;`, `&&`, `||`, `|`, `&`). */
export interface SimpleCommand {
  words: ShellWord[];
  joinedBy: Separator;
  endedBy: Separator;
  /** Inside `( )`, `{ }`, `$( )` or a compound command: runs conditionally or in a subshell. */
  nested: boolean;
}

export interface ParsedCommandLine {
  commands: SimpleCommand[];
  /** The line uses compound commands (if, case, loops, functions, brace groups) or unbalanced quoting. */
  complex: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const COMPOUND_WORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'case',
  'esac',
  'for',
  'while',
  'until',
  'do',
  'done',
  'function',
  'select',
  '{',
  '}',
  '[[',
  'coproc',
]);

/**
 * Splits a command line into simple commands and words, with bash's quoting rules (single and double
 * quotes, backslashes, `$'...'`) but without running any expansion. Good enough to see `export A=b` and
 * `unset A`; anything it cannot be sure about is reported (`dynamic` words, `complex` lines) rather than
 * guessed.
 */
export function parseCommandLine(line: string): ParsedCommandLine {
  const commands: SimpleCommand[] = [];
  let complex = false;
  let words: ShellWord[] = [];
  let joinedBy: Separator = ';';
  let depth = 0;
  let word: ShellWord | null = null;
  let literal = '';

  const flushLiteral = (): void => {
    if (!word || literal === '') return;
    const last = word.parts[word.parts.length - 1];
    if (last?.kind === 'text') last.text += literal;
    else word.parts.push({ kind: 'text', text: literal });
    literal = '';
  };
  const startWord = (): ShellWord => (word ??= { parts: [], dynamic: false, rawText: '' });
  const endWord = (): void => {
    if (!word) return;
    flushLiteral();
    words.push(word);
    word = null;
  };
  const endCommand = (next: Separator): void => {
    endWord();
    if (words.length > 0) {
      if (COMPOUND_WORDS.has(wordText(words[0]!) ?? '')) complex = true;
      commands.push({ words, joinedBy, endedBy: next, nested: depth > 0 });
    }
    words = [];
    joinedBy = next;
  };
  const pushRef = (name: string): void => {
    flushLiteral();
    word!.parts.push({ kind: 'ref', name });
  };

  /** Reads a `$...` expansion at i (inside or outside double quotes); returns the index after it. */
  const dollar = (i: number): number => {
    const rest = line.slice(i + 1);
    const plain = NAME.exec(rest);
    if (plain) {
      pushRef(plain[0]);
      return i + 1 + plain[0].length;
    }
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    if (braced) {
      pushRef(braced[1]!);
      return i + 1 + braced[0].length;
    }
    if (rest === '' || /^[\s"]/.test(rest)) {
      literal += '$';
      return i + 1;
    }
    // $(...), $((...)), ${X:-...}, $1, $?, $$: only the shell knows. Skip to the matching close.
    word!.dynamic = true;
    const open = rest[0];
    if (open === '(' || open === '{') {
      const close = open === '(' ? ')' : '}';
      let level = 0;
      for (let j = i + 1; j < line.length; j++) {
        if (line[j] === open) level++;
        else if (line[j] === close && --level === 0) return j + 1;
      }
      complex = true;
      return line.length;
    }
    return i + 2;
  };

  for (let i = 0; i < line.length;) {
    const c = line[i]!;
    const start = i;
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '\n' || c === ';') {
      endCommand(';');
      i += line[i + 1] === ';' ? 2 : 1;
    } else if (c === '&' || c === '|') {
      const two = line.slice(i, i + 2);
      if (two === '&&' || two === '||') {
        endCommand(two);
        i += 2;
      } else if (c === '&' && line[i + 1] === '>') {
        endWord();
        i += 2;
      } else {
        endCommand(c);
        i += line[i + 1] === '&' ? 2 : 1;
      }
    } else if (c === '(' || c === ')') {
      endCommand(';');
      depth += c === '(' ? 1 : -1;
      if (depth < 0) complex = true;
      i++;
    } else if (c === '#' && word === null) {
      while (i < line.length && line[i] !== '\n') i++;
    } else if (c === '<' || c === '>') {
      endWord();
      i++;
    } else {
      startWord();
      if (c === '\\') {
        if (line[i + 1] !== '\n') literal += line[i + 1] ?? '';
        i += 2;
      } else if (c === "'") {
        const close = line.indexOf("'", i + 1);
        if (close < 0) {
          complex = true;
          break;
        }
        literal += line.slice(i + 1, close);
        i = close + 1;
      } else if (c === '$' && line[i + 1] === "'") {
        const end = ansiCString(line, i + 2);
        if (end === null) {
          complex = true;
          break;
        }
        literal += end.text;
        i = end.next;
      } else if (c === '"') {
        i++;
        while (i < line.length && line[i] !== '"') {
          const d = line[i]!;
          if (d === '\\' && '$`"\\\n'.includes(line[i + 1] ?? '')) {
            if (line[i + 1] !== '\n') literal += line[i + 1];
            i += 2;
          } else if (d === '$') {
            i = dollar(i);
          } else if (d === '`') {
            word!.dynamic = true;
            const close = line.indexOf('`', i + 1);
            i = close < 0 ? line.length : close + 1;
          } else {
            literal += d;
            i++;
          }
        }
        if (i >= line.length) {
          complex = true;
          break;
        }
        i++;
      } else if (c === '$') {
        i = dollar(i);
      } else if (c === '`') {
        word!.dynamic = true;
        const close = line.indexOf('`', i + 1);
        i = close < 0 ? line.length : close + 1;
      } else {
        if ('*?[~'.includes(c)) word!.dynamic = true;
        literal += c;
        i++;
      }
      if (word) (word as ShellWord).rawText += line.slice(start, i);
    }
  }
  endCommand(';');
  return { commands, complex };
}

/** The word's text when it is all literal, else `undefined`. */
export function wordText(word: ShellWord): string | undefined {
  if (word.dynamic) return undefined;
  let text = '';
  for (const part of word.parts) {
    if (part.kind !== 'text') return undefined;
    text += part.text;
  }
  return text;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** Decodes the body of `$'...'` from `from`; `null` when it is not closed. */
function ansiCString(line: string, from: number): { text: string; next: number } | null {
  let text = '';
  for (let i = from; i < line.length;) {
    const c = line[i]!;
    if (c === "'") return { text, next: i + 1 };
    if (c !== '\\') {
      text += c;
      i++;
      continue;
    }
    const e = line[i + 1] ?? '';
    const hex = /^x([0-9A-Fa-f]{1,2})/.exec(line.slice(i + 1));
    const octal = /^([0-7]{1,3})/.exec(line.slice(i + 1));
    if (hex) {
      text += String.fromCharCode(parseInt(hex[1]!, 16));
      i += 1 + hex[0].length;
    } else if (octal) {
      text += String.fromCharCode(parseInt(octal[1]!, 8));
      i += 1 + octal[0].length;
    } else {
      text += ESCAPES[e] ?? `\\${e}`;
      i += 2;
    }
  }
  return null;
}
