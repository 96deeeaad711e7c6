import { OutputRing } from './output-ring';

/** Every byte a ring was given, to compare slices with. */
function bytes(n: number, seed = 0): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

describe('OutputRing', () => {
  it('answers any slice it holds with exactly the bytes at those offsets, across blocks', () => {
    const ring = new OutputRing(1 << 20, 16);
    const all = bytes(200);
    // Appends of odd sizes, so writes straddle block boundaries.
    for (let from = 0; from < all.length;) {
      const n = Math.min(all.length - from, 1 + (from % 37));
      ring.append(all.subarray(from, from + n));
      from += n;
    }
    expect({ start: ring.start, end: ring.end, size: ring.size }).toEqual({ start: 0, end: 200, size: 200 });
    for (const [offset, max] of [
      [0, 5],
      [3, 16],
      [15, 2],
      [10, 100],
      [0, 1000],
      [199, 10],
    ] as const) {
      const end = Math.min(200, offset + max);
      expect(ring.slice(offset, max)).toEqual(all.subarray(offset, end));
    }
    expect(ring.slice(200, 10)).toEqual(Buffer.alloc(0));
    expect(ring.slice(201, 10)).toBeUndefined();
  });

  it('drops whole old blocks past its capacity: start moves up, offsets stay absolute', () => {
    const ring = new OutputRing(64, 16); // 4 blocks
    const all = bytes(150, 7);
    ring.append(all.subarray(0, 70));
    ring.append(all.subarray(70));
    expect(ring.end).toBe(150);
    // 150 bytes need 10 blocks; 4 are kept, the last partly filled: blocks from offset 96 on.
    expect(ring.start).toBe(96);
    expect(ring.size).toBe(54);
    expect(ring.slice(95, 10)).toBeUndefined();
    expect(ring.slice(96, 1000)).toEqual(all.subarray(96));
    expect(ring.slice(120, 17)).toEqual(all.subarray(120, 137));
  });

  it('keeps at least two blocks, so a tiny capacity still replays the newest bytes', () => {
    const ring = new OutputRing(1, 8);
    ring.append(bytes(30));
    expect(ring.start).toBe(16);
    expect(ring.slice(16, 100)).toEqual(bytes(30).subarray(16));
  });

  it('copies appended bytes: a caller reusing its buffer does not change what the ring holds', () => {
    const ring = new OutputRing(1024, 16);
    const chunk = Buffer.from('hello');
    ring.append(chunk);
    chunk.fill(0x78);
    expect(ring.slice(0, 5)!.toString()).toBe('hello');
  });
});
