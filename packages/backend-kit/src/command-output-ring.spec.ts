import { CommandOutputRing } from './command-output-ring';

describe('CommandOutputRing', () => {
  it('keeps the most recent bytes by offset and counts what a late reader missed', () => {
    const ring = new CommandOutputRing(8);
    ring.append(Buffer.from('0123456789'));
    ring.append(Buffer.from('abcd'));
    expect(ring.total).toBe(14);
    const slice = ring.slice(0, 100);
    expect({ offset: slice.offset, text: slice.bytes.toString(), skipped: slice.skippedBytes }).toEqual({
      offset: 6,
      text: '6789abcd',
      skipped: 6,
    });
    const more = ring.slice(10, 3);
    expect({ offset: more.offset, text: more.bytes.toString(), skipped: more.skippedBytes }).toEqual({
      offset: 10,
      text: 'abc',
      skipped: 0,
    });
  });

  it('never cuts a UTF-8 character: a trimmed start skips its tail, a short read stops before it', () => {
    const ring = new CommandOutputRing(5);
    ring.append(Buffer.from('aé€b')); // 1 + 2 + 3 + 1 bytes: the ring keeps the last 5, from inside "é"
    const all = ring.slice(0, 100);
    expect(all.bytes.toString()).toBe('€b');
    expect(all.offset).toBe(3);
    const cut = ring.slice(3, 2); // "€" is 3 bytes: a 2-byte read answers it whole rather than half
    expect(cut.bytes.toString()).toBe('€');
    expect(new CommandOutputRing(100).slice(0, 10).bytes.length).toBe(0);
  });

  it('tail answers the last bytes from an offset on', () => {
    const ring = new CommandOutputRing(100);
    ring.append(Buffer.from('hello world'));
    const tail = ring.tail(2, 5);
    expect({ text: tail.bytes.toString(), offset: tail.offset, skipped: tail.skippedBytes }).toEqual({
      text: 'world',
      offset: 6,
      skipped: 4,
    });
  });
});
