/**
 * Characters that cannot open a construct spanning lines, outside quotes: no backslash, brackets, braces,
 * parentheses or backquote, no newline. `#` starts a comment, which is complete.
 */
const PLAIN_CHAR = /[A-Za-z0-9 \t_\-+.,:/=@%^~$;|&<>#*?!\u0080-\uffff]/;
const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'case',
  'esac',
  'for',
  'select',
  'while',
  'until',
  'do',
  'done',
  'function',
  'coproc',
  'time',
  'in',
]);

/**
 * Returns the text with quoted parts blanked out (so words and operators outside quotes can be checked),
 * or `null` when a quote is left open or holds something that could itself span lines (`$(`, a backquote).
 */
function unquoted(command: string): string | null {
  let out = '';
  let i = 0;
  while (i < command.length) {
    const c = command[i]!;
    if (c === "'" || (c === '$' && command[i + 1] === "'")) {
      const ansiC = c === '$';
      let j = i + (ansiC ? 2 : 1);
      for (; j < command.length; j++) {
        if (ansiC && command[j] === '\\') j++;
        else if (command[j] === "'") break;
      }
      if (j >= command.length) return null;
      out += ' '.repeat(j + 1 - i);
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < command.length; j++) {
        const d = command[j]!;
        if (d === '\\') j++;
        else if (d === '`' || (d === '$' && (command[j + 1] === '(' || command[j + 1] === '{'))) return null;
        else if (d === '"') break;
      }
      if (j >= command.length) return null;
      out += ' '.repeat(j + 1 - i);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * True when `command` certainly is complete shell text, so it can run without the completeness check.
 * Quoted parts may hold anything but an open quote or a command substitution; outside quotes only plain
 * characters, no heredoc, no reserved word (conservatively: `echo done` takes the checked path), and no
 * trailing `|`, `&&` or `||` that would ask for another line. False means "maybe incomplete".
 *
 * @example isPlainlyComplete('git commit -m "fix (again)"') === true; isPlainlyComplete('cat <<EOF') === false
 */
export function isPlainlyComplete(command: string): boolean {
  const bare = unquoted(command);
  if (bare === null || bare.includes('<<')) return false;
  for (const ch of bare) if (!PLAIN_CHAR.test(ch)) return false;
  if (/(\||&&)\s*$/.test(bare)) return false;
  for (const word of bare.split(/[\s;|&<>]+/)) if (RESERVED.has(word)) return false;
  return true;
}
