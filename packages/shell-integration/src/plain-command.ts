/**
 * Characters that cannot open a construct spanning lines: no quotes, backslashes, brackets, braces or
 * parentheses, no newline. `#` starts a comment, which is complete.
 */
const PLAIN = /^[A-Za-z0-9 \t_\-+.,:/=@%^~$;|&<>#*?!\u0080-\uffff]*$/;
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
 * True when `command` certainly is complete shell text, so it can run without the completeness check:
 * plain characters only, no heredoc, no reserved word anywhere (conservatively: `echo done` takes the
 * checked path), and no trailing `|`, `&&` or `||` that would ask for another line. False means "maybe
 * incomplete", not "incomplete".
 *
 * @example isPlainlyComplete('ls -la /tmp') === true; isPlainlyComplete('cat <<EOF') === false
 */
export function isPlainlyComplete(command: string): boolean {
  if (!PLAIN.test(command) || command.includes('<<')) return false;
  if (/(\||&&)\s*$/.test(command)) return false;
  for (const word of command.split(/[\s;|&<>]+/)) if (RESERVED.has(word)) return false;
  return true;
}
