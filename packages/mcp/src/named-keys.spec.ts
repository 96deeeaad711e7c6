import { isKeyName, keySequence, NAMED_KEYS } from './named-keys';
import { SessionScreen } from './session-screen';

describe('named keys', () => {
  it('maps every named key to the bytes xterm sends', () => {
    expect(keySequence('Enter')).toBe('\r');
    expect(keySequence('Tab')).toBe('\t');
    expect(keySequence('Escape')).toBe('\x1b');
    expect(keySequence('Backspace')).toBe('\x7f');
    expect(keySequence('Ctrl-C')).toBe('\x03');
    expect(keySequence('Ctrl-D')).toBe('\x04');
    expect(keySequence('ctrl-c')).toBeUndefined();
    expect(keySequence('Ctrl-z')).toBe('\x1a');
    expect(keySequence('PageUp')).toBe('\x1b[5~');
    expect(keySequence('PageDown')).toBe('\x1b[6~');
    expect(keySequence('F1')).toBe('\x1bOP');
    expect(keySequence('F12')).toBe('\x1b[24~');
    for (const key of NAMED_KEYS) expect(keySequence(key)).toEqual(expect.any(String));
    expect(isKeyName('constructor')).toBe(false);
    expect(keySequence('constructor')).toBeUndefined();
  });

  it('sends cursor keys in the mode the program asked for (DECCKM)', async () => {
    expect(['Up', 'Down', 'Right', 'Left', 'Home', 'End'].map((k) => keySequence(k))).toEqual([
      '\x1b[A',
      '\x1b[B',
      '\x1b[C',
      '\x1b[D',
      '\x1b[H',
      '\x1b[F',
    ]);
    expect(keySequence('Up', true)).toBe('\x1bOA');
    const screen = new SessionScreen(80, 24);
    try {
      screen.write('\x1b[?1h');
      await screen.flushed();
      expect(screen.applicationCursorKeys).toBe(true);
      screen.write('\x1b[?1l');
      await screen.flushed();
      expect(screen.applicationCursorKeys).toBe(false);
    } finally {
      screen.dispose();
    }
  });
});
