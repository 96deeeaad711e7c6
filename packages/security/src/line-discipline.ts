/**
 * What a terminal holds of the line being typed, modelled on the kernel's canonical mode (the mode vth's
 * quiet shells read in): ERASE (DEL) and KILL (Ctrl-U) and WERASE (Ctrl-W) edit it, INTR/QUIT/SUSP
 * (Ctrl-C, Ctrl-\, Ctrl-Z) discard it, EOF (Ctrl-D) hands what was typed to the reader, LNEXT (Ctrl-V)
 * makes the next key literal, CR and LF end it.
 */
export interface LineState {
  /** Typed since the line began and still editable. */
  text: string;
  /** Handed to the reader by Ctrl-D: part of the line, no longer erasable. */
  pushed: string;
  /** UTF-8 length of `pushed` + `text`. */
  bytes: number;
  /**
   * Keys a line editor (readline, which a session can turn on) would interpret were typed: arrows and
   * other escape sequences, Tab (completion), Ctrl-A/E/K/Y/R… . What the line holds is then a guess.
   */
  blind: boolean;
  /** The line outgrew the bound: only its beginning is known. */
  overflow: boolean;
  /** After Ctrl-V: the next key is taken literally. */
  literalNext: boolean;
}

/** A line the keys completed, or the discarding of the line and of any command left open. */
export type LineEvent = { kind: 'line'; text: string; blind: boolean; overflow: boolean } | { kind: 'reset' };

export const EMPTY_LINE: LineState = Object.freeze({
  text: '',
  pushed: '',
  bytes: 0,
  blind: false,
  overflow: false,
  literalNext: false,
});

const PRINTABLE = /[\x20-\x7e]+/y;
const BRACKETED_PASTE = /^\x1b\[20[01]~/;
/** CSI (`ESC [ … final`), SS3 (`ESC O x`), or ESC and one key (Alt-x). */
const ESCAPE_SEQUENCE = /^\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|[\s\S])?/;

/**
 * Feeds keys to a line and returns the new state and what the keys completed. Pure: the caller keeps the
 * new state only once the keys were delivered.
 *
 * @example
 * ```ts
 * feedKeys(EMPTY_LINE, 'rm -rf /tmpx\x7f\n', 8192).events; // [{ kind: 'line', text: 'rm -rf /tmp', … }]
 * ```
 */
export function feedKeys(
  state: LineState,
  keys: string,
  maxBytes: number,
): { state: LineState; events: LineEvent[] } {
  const events: LineEvent[] = [];
  let s: LineState = { ...state };
  const append = (c: string) => {
    const size = Buffer.byteLength(c, 'utf8');
    if (s.bytes + size > maxBytes) s.overflow = true;
    else {
      s.text += c;
      s.bytes += size;
    }
  };
  for (let i = 0; i < keys.length; i++) {
    if (!s.literalNext && !s.overflow) {
      // Plain printable ASCII, the bulk of any input, is appended a run at a time.
      PRINTABLE.lastIndex = i;
      if (PRINTABLE.test(keys)) {
        const run = Math.min(PRINTABLE.lastIndex - i, maxBytes - s.bytes);
        s.text += keys.slice(i, i + run);
        s.bytes += run;
        if (i + run < PRINTABLE.lastIndex) s.overflow = true;
        i = PRINTABLE.lastIndex - 1;
        continue;
      }
    }
    const cp = keys.codePointAt(i)!;
    const c = String.fromCodePoint(cp);
    if (cp > 0xffff) i++;
    if (s.literalNext) {
      s.literalNext = false;
      append(c);
    } else if (c === '\r' || c === '\n') {
      events.push({ kind: 'line', text: s.pushed + s.text, blind: s.blind, overflow: s.overflow });
      s = { ...EMPTY_LINE };
    } else if (c === '\x7f') {
      s.bytes -= eraseLast(s);
    } else if (c === '\b') {
      // ERASE for some terminals, a literal ^H for others, backward-delete for readline: a guess either way.
      s.bytes -= eraseLast(s);
      s.blind = true;
    } else if (c === '\x15') {
      s.bytes -= Buffer.byteLength(s.text, 'utf8');
      s.text = '';
    } else if (c === '\x17') {
      // WERASE: the blanks before the cursor, then the word before them.
      let end = s.text.length;
      while (end > 0 && isBlank(s.text[end - 1]!)) end--;
      while (end > 0 && !isBlank(s.text[end - 1]!)) end--;
      s.bytes -= Buffer.byteLength(s.text.slice(end), 'utf8');
      s.text = s.text.slice(0, end);
    } else if (c === '\x03' || c === '\x1c' || c === '\x1a') {
      events.push({ kind: 'reset' });
      s = { ...EMPTY_LINE };
    } else if (c === '\x04') {
      if (s.pushed === '' && s.text === '') events.push({ kind: 'reset' });
      else {
        s.pushed += s.text;
        s.text = '';
      }
    } else if (c === '\x16') {
      s.literalNext = true;
    } else if (c === '\x1b') {
      const rest = keys.slice(i, i + 64);
      const paste = BRACKETED_PASTE.exec(rest);
      // Paste brackets only say "this is pasted"; anything else is an editing key.
      const sequence = paste ?? ESCAPE_SEQUENCE.exec(rest);
      if (!paste) s.blind = true;
      i += (sequence?.[0].length ?? 1) - 1;
    } else if (cp < 0x20) {
      // Tab (completion) and the other control keys edit the line under readline.
      if (c === '\t') append(c);
      s.blind = true;
    } else {
      append(c);
    }
  }
  return { state: s, events };
}

/** Erases the last character of the editable text (not what Ctrl-D pushed); returns the bytes removed. */
function eraseLast(s: LineState): number {
  const t = s.text;
  if (t === '') return 0;
  const low = t.charCodeAt(t.length - 1);
  // A character outside the BMP is two UTF-16 units.
  const units = low >= 0xdc00 && low <= 0xdfff && t.length > 1 ? 2 : 1;
  const removed = t.slice(t.length - units);
  s.text = t.slice(0, t.length - units);
  return Buffer.byteLength(removed, 'utf8');
}

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t';
}
