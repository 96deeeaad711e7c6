/** What replaces a secret. */
export const REDACTED = '***';

/**
 * One piece of a shell word as the redactor sees it: a double-quoted string, an ANSI-C `$'…'` string, a
 * single-quoted string (closing quotes optional, so a cut command still masks), a backslash escape (which
 * covers `\` + newline, a line continuation), or a run of plain characters. Every repetition is bounded:
 * commands reach 1 MiB and a pattern that backtracks polynomially would stall the process that audits it.
 */
export const VALUE_PIECE = String.raw`"(?:[^"\\]|\\[\s\S]){0,4096}"?|\$'(?:[^'\\]|\\[\s\S]){0,4096}'?|'[^']{0,4096}'?|\\[\s\S]|[^\s;&|<>()'"\x60\\]{1,4096}`;

/**
 * A whole shell word: pieces back to back (`ab"c d"ef`, `abc\ def`, `ab\⏎cd`). Only used last in a
 * pattern, so its greedy match is never backtracked into.
 */
export const VALUE = `(?:${VALUE_PIECE}){1,64}`;

/**
 * Masks a matched value. A value that is one quoted string keeps its quotes, so the command still reads
 * as the command it was; anything else (several pieces, escapes) becomes `***` whole.
 */
export function mask(value: string): string {
  const ansi = value.startsWith("$'");
  const quote = ansi ? "'" : value[0];
  if (quote !== '"' && quote !== "'") return REDACTED;
  const open = ansi ? 2 : 1;
  const body = value.slice(open, value.length > open && value.endsWith(quote) ? -1 : undefined);
  // Another quote of the same kind inside (unescaped) means several pieces: mask the word whole.
  if (quote === "'" && !ansi && body.includes("'")) return REDACTED;
  if ((quote === '"' || ansi) && unescapedQuoteIn(body, quote)) return REDACTED;
  const escapes = quote === '"' || ansi;
  const closed = value.length > open && value.endsWith(quote) && !(escapes && endsEscaped(value));
  return value.slice(0, open) + REDACTED + (closed ? quote : '');
}

function unescapedQuoteIn(body: string, quote: string): boolean {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === quote) return true;
  }
  return false;
}

/** `"abc\"` ends with an escaped quote: the string is not closed. */
function endsEscaped(value: string): boolean {
  let slashes = 0;
  for (let i = value.length - 2; i >= 0 && value[i] === '\\'; i--) slashes++;
  return slashes % 2 === 1;
}
