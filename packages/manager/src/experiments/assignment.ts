import { createHash } from 'node:crypto';

/** 2^53: the doubles in [0, 1) with this spacing are exactly the 53-bit fractions. */
const TWO_POW_53 = 2 ** 53;

/**
 * A point in [0, 1) from SHA-256 of the parts joined with NUL bytes: stable across processes, machines and
 * Node versions, so every manager agrees on it without sharing state. Uses the first 53 bits of the digest,
 * all a double can hold. Parts should not contain NUL themselves (`('a\0b')` and `('a', 'b')` are equal).
 *
 * @example
 * ```ts
 * stableUnit('checkout-v2', 'user-42'); // the same number on every machine, e.g. 0.7311...
 * ```
 */
export function stableUnit(...parts: string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000'), 'utf8').digest();
  // 32 high bits, then 21 more: together the first 53 bits of the digest.
  const high = digest.readUInt32BE(0);
  const low = digest.readUInt32BE(4) >>> 11;
  return (high * 2 ** 21 + low) / TWO_POW_53;
}

/** One arm of an experiment and its share of the traffic, relative to the others. */
export interface WeightedVariant {
  /** Hashed with the experiment and the key: renaming a variant reshuffles its keys. */
  name: string;
  /** Non-negative; 0 keeps the variant in the list but sends nobody to it. */
  weight: number;
}

/**
 * Which variant `key` (a userId or session key) belongs to, by weighted rendezvous (highest-random-weight)
 * hashing: each variant of weight > 0 scores `-weight / ln(u)` with `u = stableUnit(experiment, key, name)`,
 * the highest score wins, ties go to the earlier variant. `-ln(u) / weight` is exponentially distributed
 * with rate `weight`, so a variant wins with probability `weight / sum of weights`.
 *
 * A variant's score depends only on its own weight, which is why ramping is cheap: raising one variant's
 * weight only moves keys into it, lowering it only moves keys out of it, and keys never move between two
 * variants whose weights did not change. Renaming a variant reshuffles its keys (the name is hashed).
 *
 * @returns the winning variant's name, or undefined when no variant has a weight > 0 (non-finite weights
 *   count as 0).
 *
 * @example
 * ```ts
 * const variants = [{ name: 'control', weight: 90 }, { name: 'fast-path', weight: 10 }];
 * assignVariant('fast-path-rollout', session.userId, variants); // 'control' for about 9 users in 10
 * ```
 */
export function assignVariant(
  experiment: string,
  key: string,
  variants: readonly WeightedVariant[],
): string | undefined {
  let winner: string | undefined;
  let best = -Infinity;
  for (const variant of variants) {
    const weight = variant.weight;
    if (!(weight > 0) || !Number.isFinite(weight)) continue;
    // u = 0 would give ln(u) = -Infinity and a score of 0, below any real score; the smallest positive
    // double keeps the score positive and the ordering in u intact.
    const u = Math.max(stableUnit(experiment, key, variant.name), Number.MIN_VALUE);
    const score = -weight / Math.log(u);
    // Strictly greater: on a tie the earlier variant keeps the key.
    if (score > best) {
      best = score;
      winner = variant.name;
    }
  }
  return winner;
}

/**
 * Whether `key` is in the experiment's share of traffic (0..1); keys outside it get the default behaviour.
 * The hash is independent of the one that picks a variant, so the share in the experiment does not tilt
 * the split between variants, and raising `traffic` only ever adds keys (those already in stay in).
 *
 * @example
 * ```ts
 * if (inTraffic('fast-path-rollout', session.userId, 0.05)) variant = assignVariant(...); // 5 % of users
 * ```
 */
export function inTraffic(experiment: string, key: string, traffic: number): boolean {
  // The leading NUL keeps this draw apart from a variant that happens to be called 'traffic'.
  return stableUnit(experiment, key, '\u0000traffic') < traffic;
}
