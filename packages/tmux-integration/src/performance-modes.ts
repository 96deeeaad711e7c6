/** How the integration trades speed against patience and recovery. */
export const PERFORMANCE_MODES = ['performance', 'balanced', 'reliability'] as const;

/** One of {@link PERFORMANCE_MODES}: the `performanceMode` option; its defaults are in {@link PERFORMANCE_MODE_DEFAULTS}. */
export type PerformanceMode = (typeof PERFORMANCE_MODES)[number];

/** What a performance mode sets: the defaults an explicit `commandTimeout` / `captureBufferSize` override. */
export interface PerformanceModeDefaults {
  /** Default `commandTimeout`, in milliseconds. */
  commandTimeout: number;
  /** Default `captureBufferSize`, in lines. */
  captureBufferSize: number;
  /**
   * Lost sessions of an injected backend are re-created too (by a manager of the integration's own), and
   * each re-creation is announced with `session-created`.
   */
  recreateLostSessions: boolean;
}

/**
 * The defaults of each mode. 'reliability' also has the sessions of an injected backend re-created when
 * they vanish before a command could run (the error says `dispatched: false`), as the integration's own
 * manager does in every mode, and announces each re-creation.
 */
export const PERFORMANCE_MODE_DEFAULTS: Readonly<Record<PerformanceMode, Readonly<PerformanceModeDefaults>>> =
  {
    performance: { commandTimeout: 10_000, captureBufferSize: 1000, recreateLostSessions: false },
    balanced: { commandTimeout: 30_000, captureBufferSize: 5000, recreateLostSessions: false },
    reliability: { commandTimeout: 120_000, captureBufferSize: 20_000, recreateLostSessions: true },
  };
