/**
 * A seeded uniform generator in [0, 1) (mulberry32): `SelectionContext.random` for tests that check a
 * distribution, so a run can be repeated exactly. Not for anything that needs unpredictability.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * strategy.select(candidates, { random });
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
