import fc from 'fast-check';
import { OnlcrDecoder } from './onlcr-decoder';

/** What a terminal with ONLCR does to a program's output. */
const onlcr = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');

describe('OnlcrDecoder', () => {
  it('restores exactly what the program wrote, however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom(0x0a, 0x0d, 0x61, 0x20, 0xc3, 0xa9), { maxLength: 200 })
          .map((a) => Buffer.from(a)),
        fc.array(fc.nat({ max: 400 }), { maxLength: 10 }),
        (written, cuts) => {
          const wire = onlcr(written);
          const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
          const d = new OnlcrDecoder();
          const out: Buffer[] = [];
          let at = 0;
          for (const p of points) {
            out.push(d.push(wire.subarray(at, p)));
            at = p;
          }
          out.push(d.push(wire.subarray(at)), d.end());
          expect(Buffer.concat(out)).toEqual(written);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps a lone carriage return and a program-written CRLF', () => {
    const d = new OnlcrDecoder();
    expect(d.push(Buffer.from('10%\r20%\r\r\ndone\r\n')).toString()).toBe('10%\r20%\r\ndone\n');
  });
});
