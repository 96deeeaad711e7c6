import { keysToInput, translateKey } from './tmux-keys';

describe('translateKey', () => {
  it.each([
    ['Enter', '\r'],
    ['C-m', '\r'],
    ['Tab', '\t'],
    ['C-i', '\t'],
    ['Escape', '\x1b'],
    ['BSpace', '\x7f'],
    ['Space', ' '],
    ['Up', '\x1b[A'],
    ['Down', '\x1b[B'],
    ['Right', '\x1b[C'],
    ['Left', '\x1b[D'],
    ['Home', '\x1b[H'],
    ['End', '\x1b[F'],
    ['PageUp', '\x1b[5~'],
    ['PPage', '\x1b[5~'],
    ['PageDown', '\x1b[6~'],
    ['NPage', '\x1b[6~'],
    ['Delete', '\x1b[3~'],
    ['DC', '\x1b[3~'],
    ['C-a', '\x01'],
    ['C-c', '\x03'],
    ['C-d', '\x04'],
    ['C-z', '\x1a'],
    ['C-C', '\x03'],
    ['C-[', '\x1b'],
    ['C-?', '\x7f'],
    ['M-x', '\x1bx'],
    ['M-Enter', '\x1b\r'],
    ['M-C-a', '\x1b\x01'],
    ['C-M-a', '\x1b\x01'],
  ])('%s', (name, bytes) => {
    expect(translateKey(name)).toBe(bytes);
  });

  it.each(['hello', 'enter', 'C-', 'C-ab', 'M-', 'M-xy', 'C-Up', 'toString', 'constructor', ''])(
    'leaves %j as text',
    (text) => {
      expect(translateKey(text)).toBeUndefined();
    },
  );
});

describe('keysToInput', () => {
  it('translates key names and sends other arguments as text, joined without separators', () => {
    expect(keysToInput(['echo hi', 'Enter'])).toBe('echo hi\r');
    expect(keysToInput(['cat', 'Space', 'x', 'C-m'])).toBe('cat x\r');
    expect(keysToInput(['ls -la Enter'])).toBe('ls -la Enter');
  });

  it('sends everything as text when literal', () => {
    expect(keysToInput(['Enter', 'C-c'], true)).toBe('EnterC-c');
  });
});
