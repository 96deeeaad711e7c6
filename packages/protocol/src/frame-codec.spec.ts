import fc from 'fast-check';
import {
  decodeFrame,
  encodeInputFrame,
  encodeOutputFrame,
  INPUT_HEADER_BYTES,
  OUTPUT_HEADER_BYTES,
} from './frame-codec';

const channel = fc.integer({ min: 0, max: 0xffff_ffff });
const offset = fc.maxSafeNat();
const bytes = fc.uint8Array({ maxLength: 2048 });

describe('binary frame codec', () => {
  it('round-trips any output frame', () => {
    fc.assert(
      fc.property(channel, offset, bytes, (ch, off, data) => {
        const decoded = decodeFrame(encodeOutputFrame(ch, off, data));
        expect(decoded).toEqual({ ok: true, frame: { kind: 'output', channel: ch, offset: off, data } });
      }),
    );
  });

  it('round-trips any input frame', () => {
    fc.assert(
      fc.property(channel, bytes, (ch, data) => {
        const decoded = decodeFrame(encodeInputFrame(ch, data));
        expect(decoded).toEqual({ ok: true, frame: { kind: 'input', channel: ch, data } });
      }),
    );
  });

  it('reads frames that are views into a larger buffer (as ws hands them over)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), channel, offset, bytes, (prefix, ch, off, data) => {
        const frame = encodeOutputFrame(ch, off, data);
        const big = new Uint8Array(prefix.length + frame.length);
        big.set(prefix);
        big.set(frame, prefix.length);
        const decoded = decodeFrame(big.subarray(prefix.length));
        expect(decoded.ok && decoded.frame.kind === 'output' && decoded.frame.offset).toBe(off);
      }),
    );
  });

  it('never throws on arbitrary bytes, and answers a typed problem for malformed ones', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        const decoded = decodeFrame(data);
        if (decoded.ok) {
          expect([1, 2]).toContain(data[0]);
          expect(data.length).toBeGreaterThanOrEqual(
            data[0] === 1 ? OUTPUT_HEADER_BYTES : INPUT_HEADER_BYTES,
          );
        } else {
          expect(['BAD_FRAME', 'UNKNOWN_FRAME_KIND']).toContain(decoded.problem.code);
        }
      }),
    );
  });

  it('refuses what is not bytes, empty frames, short headers, unknown kinds and offsets beyond 2^53', () => {
    expect(decodeFrame('text' as unknown as Uint8Array)).toMatchObject({
      ok: false,
      problem: { code: 'BAD_FRAME' },
    });
    expect(decodeFrame(new Uint8Array())).toMatchObject({ ok: false, problem: { code: 'BAD_FRAME' } });
    expect(decodeFrame(new Uint8Array([1, 0, 0]))).toMatchObject({
      ok: false,
      problem: { code: 'BAD_FRAME' },
    });
    expect(decodeFrame(new Uint8Array([2, 0]))).toMatchObject({ ok: false, problem: { code: 'BAD_FRAME' } });
    expect(decodeFrame(new Uint8Array([9, 0, 0, 0, 0]))).toMatchObject({
      ok: false,
      problem: { code: 'UNKNOWN_FRAME_KIND' },
    });
    const huge = encodeOutputFrame(1, 0, new Uint8Array());
    huge[5] = 0xff;
    expect(decodeFrame(huge)).toMatchObject({ ok: false, problem: { code: 'BAD_FRAME' } });
    expect(decodeFrame(new Uint8Array([2, 0, 0, 0, 7]).buffer)).toMatchObject({
      ok: true,
      frame: { kind: 'input', channel: 7 },
    });
  });

  it('refuses to encode out-of-range channels and offsets (a caller bug)', () => {
    expect(() => encodeOutputFrame(-1, 0, new Uint8Array())).toThrow(RangeError);
    expect(() => encodeOutputFrame(0, 2 ** 53, new Uint8Array())).toThrow(RangeError);
    expect(() => encodeInputFrame(2 ** 32, new Uint8Array())).toThrow(RangeError);
  });
});
