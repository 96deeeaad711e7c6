import { EMPTY_LINE, feedKeys, type LineEvent } from './line-discipline';

function lines(...calls: string[]): LineEvent[] {
  let state = EMPTY_LINE;
  const events: LineEvent[] = [];
  for (const keys of calls) {
    const r = feedKeys(state, keys, 64);
    state = r.state;
    events.push(...r.events);
  }
  return events;
}

const line = (text: string, over: Partial<{ blind: boolean; overflow: boolean }> = {}): LineEvent => ({
  kind: 'line',
  text,
  blind: false,
  overflow: false,
  ...over,
});

describe('feedKeys', () => {
  it('ends a line at CR or LF, across calls', () => {
    expect(lines('rm -rf ', '/\n')).toEqual([line('rm -rf /')]);
    expect(lines('a\rb\r\n')).toEqual([line('a'), line('b'), line('')]);
  });

  it('erases with DEL (one character, even outside the BMP), kills with Ctrl-U, erases a word with Ctrl-W', () => {
    expect(lines('rm -rf /tmpx\x7f\n')).toEqual([line('rm -rf /tmp')]);
    expect(lines('a😀\x7f\x7f\x7fb\n')).toEqual([line('b')]);
    expect(lines('echo hi\x15ls\n')).toEqual([line('ls')]);
    expect(lines('rm -rf /tmp  \x17/\n')).toEqual([line('rm -rf /')]);
  });

  it('discards the line at Ctrl-C, Ctrl-\\ and Ctrl-Z', () => {
    expect(lines('rm -rf ', '\x03', '/\n')).toEqual([{ kind: 'reset' }, line('/')]);
    expect(lines('x\x1cy\x1az\n')).toEqual([{ kind: 'reset' }, { kind: 'reset' }, line('z')]);
  });

  it('hands the text to the reader at Ctrl-D: it can no longer be erased', () => {
    expect(lines('rm -rf /x\x04', '\x15\x7f', '\n')).toEqual([line('rm -rf /x')]);
    expect(lines('\x04')).toEqual([{ kind: 'reset' }]);
  });

  it('takes the key after Ctrl-V literally', () => {
    expect(lines('a\x16\x15b\n')).toEqual([line('a\x15b')]);
  });

  it('marks a line blind when keys a line editor interprets were typed', () => {
    expect(lines('echo \x1b[A\n')).toEqual([line('echo ', { blind: true })]);
    expect(lines('mkf\t /dev/sda\n')).toEqual([line('mkf\t /dev/sda', { blind: true })]);
    expect(lines('ls\x01\n')).toEqual([line('ls', { blind: true })]);
    expect(lines('ls\x1bb\n')).toEqual([line('ls', { blind: true })]);
    expect(lines('ls\x08x\n')).toEqual([line('lx', { blind: true })]);
  });

  it('passes bracketed-paste markers without marking the line', () => {
    expect(lines('\x1b[200~echo pasted\x1b[201~\n')).toEqual([line('echo pasted')]);
  });

  it('keeps a bounded line and says it overflowed', () => {
    const [event] = lines(`${'x'.repeat(100)}\n`);
    expect(event).toEqual(line('x'.repeat(64), { overflow: true }));
  });

  it('never changes the state it was given', () => {
    const start = feedKeys(EMPTY_LINE, 'abc', 64).state;
    feedKeys(start, '\x7f\x15def\n', 64);
    expect(start.text).toBe('abc');
  });
});
