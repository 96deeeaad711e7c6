/**
 * tmux key names and the bytes a terminal sends for them (xterm sequences, as tmux sends to a pane whose
 * TERM is xterm-like).
 */
const NAMED_KEYS: Readonly<Record<string, string>> = {
  Enter: '\r',
  Tab: '\t',
  BTab: '\x1b[Z',
  Escape: '\x1b',
  BSpace: '\x7f',
  Space: ' ',
  Up: '\x1b[A',
  Down: '\x1b[B',
  Right: '\x1b[C',
  Left: '\x1b[D',
  Home: '\x1b[H',
  End: '\x1b[F',
  PageUp: '\x1b[5~',
  PPage: '\x1b[5~',
  PgUp: '\x1b[5~',
  PageDown: '\x1b[6~',
  NPage: '\x1b[6~',
  PgDn: '\x1b[6~',
  Insert: '\x1b[2~',
  IC: '\x1b[2~',
  Delete: '\x1b[3~',
  DC: '\x1b[3~',
  F1: '\x1bOP',
  F2: '\x1bOQ',
  F3: '\x1bOR',
  F4: '\x1bOS',
  F5: '\x1b[15~',
  F6: '\x1b[17~',
  F7: '\x1b[18~',
  F8: '\x1b[19~',
  F9: '\x1b[20~',
  F10: '\x1b[21~',
  F11: '\x1b[23~',
  F12: '\x1b[24~',
};

/** The characters a terminal can send with Ctrl held: C-a..C-z (either case), C-@ C-[ C-\ C-] C-^ C-_ and C-?. */
function control(char: string): string | undefined {
  if (char.length !== 1) return undefined;
  if (/[a-z]/i.test(char)) return String.fromCharCode(char.toLowerCase().charCodeAt(0) - 96);
  if (char === '?') return '\x7f';
  const code = '@[\\]^_'.indexOf(char);
  return code === -1 ? undefined : String.fromCharCode(code === 0 ? 0 : 27 + code - 1);
}

/**
 * The bytes for one tmux key name (`Enter`, `C-c`, `M-x`, `C-M-a`, `PageUp`...), or `undefined` when the
 * argument is not a key name and tmux would send it as text.
 */
export function translateKey(name: string): string | undefined {
  const named = NAMED_KEYS[name];
  if (named !== undefined && Object.hasOwn(NAMED_KEYS, name)) return named;
  const modifier = /^([CM])-(.+)$/s.exec(name);
  if (!modifier) return undefined;
  const [, mod, rest] = modifier as unknown as [string, 'C' | 'M', string];
  if (mod === 'M') {
    const inner = translateKey(rest) ?? (Array.from(rest).length === 1 ? rest : undefined);
    return inner === undefined ? undefined : `\x1b${inner}`;
  }
  // Ctrl applies to a character, or to a Meta-modified character (C-M-a is ESC then C-a).
  const meta = /^M-(.)$/su.exec(rest);
  if (meta) {
    const ctrl = control(meta[1]!);
    return ctrl === undefined ? undefined : `\x1b${ctrl}`;
  }
  if (rest === 'Space') return '\0';
  return control(rest);
}

/**
 * What `send-keys` would type: with `literal`, the arguments as they are; otherwise each argument that is
 * a key name becomes its bytes and any other argument is text. Arguments are joined without separators,
 * as tmux does.
 *
 * @example
 * ```ts
 * keysToInput(['echo hi', 'Enter']); // 'echo hi\r'
 * keysToInput(['C-c']);              // '\x03'
 * keysToInput(['Enter'], true);      // 'Enter'
 * ```
 */
export function keysToInput(keys: readonly string[], literal = false): string {
  if (literal) return keys.join('');
  return keys.map((k) => translateKey(k) ?? k).join('');
}
