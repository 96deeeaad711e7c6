/**
 * Quoting for text typed into an interactive shell through a terminal. Everything we type must be
 * inert to the terminal's line discipline (no raw Ctrl-C, Ctrl-D, Ctrl-U, DEL...) and to the shell.
 */

const HEX = '0123456789abcdef';

/**
 * Pieces of a bash ANSI-C quoted word (`$'...'`) for `bytes`, one piece per source byte: printable ASCII
 * as is, `'` and `\` escaped, control bytes and DEL as `\xHH`, bytes >= 0x80 as `\xHH` too so the typed
 * line is pure ASCII whatever the terminal's encoding. Splitting the pieces anywhere yields valid words.
 */
export function ansiCPieces(bytes: Uint8Array): string[] {
  const out = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x27) out[i] = "\\'";
    else if (b === 0x5c) out[i] = '\\\\';
    else if (b < 0x20 || b >= 0x7f) out[i] = `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
    else out[i] = String.fromCharCode(b);
  }
  return out;
}

/** `$'...'` for `text`: safe to type into bash whatever the text holds (NUL aside). */
export function ansiCQuote(text: string): string {
  return `$'${ansiCPieces(Buffer.from(text, 'utf8')).join('')}'`;
}

/**
 * Pieces of a POSIX single-quoted word for `bytes`: `'` becomes `'\''`; control bytes other than newline
 * and tab get a Ctrl-V (the terminal's literal-next character) in front so the line discipline passes them
 * to the shell instead of acting on them.
 */
export function posixPieces(bytes: Uint8Array): string[] {
  const out = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x27) out[i] = "'\\''";
    else if ((b < 0x20 && b !== 0x0a && b !== 0x09) || b === 0x7f) out[i] = `\x16${String.fromCharCode(b)}`;
    else out[i] = String.fromCharCode(b);
  }
  return out;
}

/** Makes text typed raw into a terminal literal: control bytes other than newline and tab get a Ctrl-V. */
export function literalTerminalInput(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\x16${c}`);
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  e: 0x1b,
  E: 0x1b,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
  '?': 0x3f,
};

/**
 * Reverses bash's `printf %q` (and `${x@Q}`): backslash escapes, `'...'` and `$'...'` segments, in any
 * mix. Input is a latin1 string (one char per byte); output is the raw bytes, so UTF-8 survives whatever
 * locale the shell quoted in.
 */
export function unquoteShellWord(word: string): Buffer {
  const out: number[] = [];
  const pushText = (s: string) => {
    for (let k = 0; k < s.length; k++) out.push(s.charCodeAt(k) & 0xff);
  };
  let i = 0;
  while (i < word.length) {
    const c = word[i]!;
    if (c === '\\' && i + 1 < word.length) {
      pushText(word[i + 1]!);
      i += 2;
    } else if (c === "'") {
      const end = word.indexOf("'", i + 1);
      const stop = end === -1 ? word.length : end;
      pushText(word.slice(i + 1, stop));
      i = stop + 1;
    } else if (c === '$' && word[i + 1] === "'") {
      i += 2;
      while (i < word.length && word[i] !== "'") {
        if (word[i] !== '\\' || i + 1 >= word.length) {
          pushText(word[i]!);
          i++;
          continue;
        }
        const e = word[i + 1]!;
        if (e in SIMPLE_ESCAPES) {
          out.push(SIMPLE_ESCAPES[e]!);
          i += 2;
        } else if (e === 'x') {
          const m = /^[0-9a-fA-F]{1,2}/.exec(word.slice(i + 2, i + 4));
          if (m) {
            out.push(parseInt(m[0], 16));
            i += 2 + m[0].length;
          } else {
            pushText('\\x');
            i += 2;
          }
        } else if (e >= '0' && e <= '7') {
          const m = /^[0-7]{1,3}/.exec(word.slice(i + 1, i + 4))!;
          out.push(parseInt(m[0], 8) & 0xff);
          i += 1 + m[0].length;
        } else if (e === 'c' && i + 2 < word.length) {
          out.push(word.charCodeAt(i + 2) & 0x1f);
          i += 3;
        } else if (e === 'u' || e === 'U') {
          const m = (e === 'u' ? /^[0-9a-fA-F]{1,4}/ : /^[0-9a-fA-F]{1,8}/).exec(word.slice(i + 2, i + 10));
          if (m) {
            for (const b of Buffer.from(String.fromCodePoint(parseInt(m[0], 16)), 'utf8')) out.push(b);
            i += 2 + m[0].length;
          } else {
            pushText(`\\${e}`);
            i += 2;
          }
        } else {
          pushText(`\\${e}`);
          i += 2;
        }
      }
      i++;
    } else {
      pushText(c);
      i++;
    }
  }
  return Buffer.from(out);
}
