/**
 * A bounded uniform sample of a stream of latencies (Vitter's Algorithm R): fixed memory however many
 * commands ran, yet every value offered so far has the same chance, `size / seen`, of being in the sample.
 * Rank tests need raw values, which a histogram does not keep; this keeps a fair few of them.
 *
 * @example
 * ```ts
 * const reservoir = new LatencyReservoir(1000);
 * for (const ms of latencies) reservoir.add(ms);
 * mannWhitney(control.values(), reservoir.values());
 * ```
 */
export class LatencyReservoir {
  readonly capacity: number;
  private readonly random: () => number;
  private readonly sample: number[] = [];
  private offered = 0;

  /**
   * @param random a uniform source in [0, 1); pass a seeded one in tests to repeat a run exactly.
   * @throws RangeError when `capacity` is not a positive integer.
   */
  constructor(capacity = 5000, random: () => number = Math.random) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.random = random;
  }

  /** Offers one latency in ms; non-finite and negative values are not latencies and are ignored. */
  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.offered++;
    if (this.sample.length < this.capacity) {
      this.sample.push(ms);
      return;
    }
    // The n-th value replaces a random slot with probability capacity / n, which keeps the sample uniform.
    const slot = Math.floor(this.random() * this.offered);
    if (slot < this.capacity) this.sample[slot] = ms;
  }

  /** How many values the sample holds: `min(seen, capacity)`. */
  get size(): number {
    return this.sample.length;
  }

  /** How many valid values were offered since construction or the last `clear`. */
  get seen(): number {
    return this.offered;
  }

  /** A copy of the sample, in no particular order: later `add` calls do not change it under the caller. */
  values(): readonly number[] {
    return this.sample.slice();
  }

  /** Forgets every value. */
  clear(): void {
    this.sample.length = 0;
    this.offered = 0;
  }
}
