/** Keys `session_send` can press by name, besides `Ctrl-A` … `Ctrl-Z`. */
export const NAMED_KEYS = [
  'Enter',
  'Tab',
  'Escape',
  'Backspace',
  'Delete',
  'Insert',
  'Space',
  'Up',
  'Down',
  'Left',
  'Right',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'F1',
  'F2',
  'F3',
  'F4',
  'F5',
  'F6',
  'F7',
  'F8',
  'F9',
  'F10',
  'F11',
  'F12',
] as const;

/** One of {@link NAMED_KEYS}; `Ctrl-A` … `Ctrl-Z` are keys too, but not of this type. */
export type NamedKey = (typeof NAMED_KEYS)[number];

const FIXED: Record<Exclude<NamedKey, 'Up' | 'Down' | 'Left' | 'Right' | 'Home' | 'End'>, string> = {
  Enter: '\r',
  Tab: '\t',
  Escape: '\x1b',
  Backspace: '\x7f',
  Delete: '\x1b[3~',
  Insert: '\x1b[2~',
  Space: ' ',
  PageUp: '\x1b[5~',
  PageDown: '\x1b[6~',
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

// The final byte of the cursor keys: CSI <final> normally, SS3 <final> in application cursor mode.
const CURSOR: Record<'Up' | 'Down' | 'Left' | 'Right' | 'Home' | 'End', string> = {
  Up: 'A',
  Down: 'B',
  Right: 'C',
  Left: 'D',
  Home: 'H',
  End: 'F',
};

const CTRL = /^Ctrl-([A-Za-z])$/;

/** Whether `name` is a key `keySequence` knows. */
export function isKeyName(name: string): boolean {
  return CTRL.test(name) || (NAMED_KEYS as readonly string[]).includes(name);
}

/**
 * The bytes a terminal (xterm) sends for a key. The cursor keys depend on the mode the program asked for:
 * full-screen programs (vi, less) switch on application cursor keys (DECCKM) and expect `ESC O A`, a shell
 * expects `ESC [ A`. `undefined` for an unknown name.
 *
 * @example
 * ```ts
 * keySequence('Ctrl-C'); // '\x03'
 * keySequence('Up', true); // '\x1bOA'
 * ```
 */
export function keySequence(name: string, applicationCursor = false): string | undefined {
  const ctrl = CTRL.exec(name);
  if (ctrl) return String.fromCharCode(ctrl[1]!.toUpperCase().charCodeAt(0) - 64);
  if (Object.hasOwn(CURSOR, name))
    return `${applicationCursor ? '\x1bO' : '\x1b['}${CURSOR[name as keyof typeof CURSOR]}`;
  if (Object.hasOwn(FIXED, name)) return FIXED[name as keyof typeof FIXED];
  return undefined;
}
