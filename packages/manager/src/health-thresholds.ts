import { z } from 'zod';

/**
 * When a backend leaves rotation and when it comes back. Defaults follow what proxies such as Envoy do
 * for outlier detection, scaled to terminal backends.
 */
export const healthThresholdsSchema = z.strictObject({
  /** Sliding window for error rate and latency, ms. */
  windowMs: z.number().int().min(100).default(60_000),
  /** Eject after this many failures in a row (active probes and passive calls alike). */
  consecutiveFailures: z.number().int().min(1).default(5),
  /** Eject when the error rate over the window exceeds this (0..1) ... */
  maxErrorRate: z.number().min(0).max(1).default(0.5),
  /** ... once the window holds at least this many calls. */
  minRequests: z.number().int().min(1).default(10),
  /** Eject when p95 latency over the window exceeds this, ms (off when absent). */
  maxLatencyP95Ms: z.number().positive().optional(),
  /** First ejection lasts this long; each repeated ejection doubles it ... */
  baseEjectionMs: z.number().int().min(0).default(30_000),
  /** ... up to this. */
  maxEjectionMs: z.number().int().min(0).default(300_000),
  /** Never eject more than this share of the pool at once (percent). */
  maxEjectionPercent: z.number().min(0).max(100).default(50),
  /**
   * Panic mode: when fewer than this share of backends (percent) are in rotation, route to all of them
   * rather than to none.
   */
  panicThresholdPercent: z.number().min(0).max(100).default(50),
  /** Consecutive passing probes (after the ejection time) that bring a backend back. */
  recoveryProbes: z.number().int().min(1).default(2),
  /** A recovered backend's weight ramps up over this long (0: at once). */
  slowStartMs: z.number().int().min(0).default(0),
});

/** The `health` section after parsing, every default filled in. */
export type HealthThresholds = z.output<typeof healthThresholdsSchema>;
/** The `health` section as written, every key optional. */
export type HealthThresholdsInput = z.input<typeof healthThresholdsSchema>;
