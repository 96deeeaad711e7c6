import fc from 'fast-check';
import { BoundedOutputBuffer } from './output-buffer';

function feed(buf: BoundedOutputBuffer, data: Buffer, cuts: number[]): void {
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(c, data.length);
    if (to > at) buf.append(data.subarray(at, to));
    at = Math.max(at, to);
  }
  buf.append(data.subarray(at));
}

describe('BoundedOutputBuffer', () => {
  it('keeps everything within budget', () => {
    const buf = new BoundedOutputBuffer(100);
    buf.append(Buffer.from('hello '));
    buf.append(Buffer.from('world'));
    expect(buf.read()).toEqual({ text: 'hello world', truncatedBytes: 0 });
    expect(buf.totalBytes).toBe(11);
  });

  it('keeps head and tail and counts the cut, whatever the chunking (ASCII)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '\n', 'z'), maxLength: 3000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.nat({ max: 3000 }), { maxLength: 20 }),
        (text, max, cuts) => {
          const buf = new BoundedOutputBuffer(max);
          feed(buf, Buffer.from(text), cuts);
          const { text: kept, truncatedBytes } = buf.read();
          if (text.length <= max) {
            expect(kept).toBe(text);
            expect(truncatedBytes).toBe(0);
          } else {
            const head = Math.floor(max / 2);
            const tail = max - head;
            expect(kept).toBe(text.slice(0, head) + text.slice(text.length - tail));
            expect(truncatedBytes).toBe(text.length - max);
          }
        },
      ),
    );
  });

  it('never splits a UTF-8 character and accounts for every byte', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '\n'), maxLength: 500 }),
        fc.integer({ min: 0, max: 300 }),
        fc.array(fc.nat({ max: 2000 }), { maxLength: 20 }),
        (text, max, cuts) => {
          const data = Buffer.from(text);
          const buf = new BoundedOutputBuffer(max);
          feed(buf, data, cuts);
          const { text: kept, truncatedBytes } = buf.read();
          expect(kept).not.toContain('\uFFFD');
          expect(Buffer.byteLength(kept) + truncatedBytes).toBe(data.length);
          expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(Math.max(max, 0) || data.length);
          if (data.length <= max) expect(kept).toBe(text);
        },
      ),
    );
  });

  it('can keep only the tail (scrollback)', () => {
    const buf = new BoundedOutputBuffer(5, { headBytes: 0 });
    buf.append(Buffer.from('abc'));
    buf.append(Buffer.from('defgh'));
    expect(buf.read()).toEqual({ text: 'defgh', truncatedBytes: 3 });
    buf.clear();
    expect(buf.read()).toEqual({ text: '', truncatedBytes: 0 });
  });

  it('does not hold on to a huge chunk for the sake of its tail', () => {
    const buf = new BoundedOutputBuffer(8);
    buf.append(Buffer.alloc(10_000_000, 'x'));
    const { text, truncatedBytes } = buf.read();
    expect(text).toBe('xxxxxxxx');
    expect(truncatedBytes).toBe(10_000_000 - 8);
  });
});
