/** How the integration trades speed against patience and recovery. */
export const PERFORMANCE_MODES = ['performance', 'balanced', 'reliability'] as const;

export type PerformanceMode = (typeof PERFORMANCE_MODES)[number];

export interface PerformanceModeDefaults {
  /** Default `commandTimeout`, in milliseconds. */
  commandTimeout: number;
  /** Default `captureBufferSize`, in lines. */
  captureBufferSize: number;
  /** Re-create a lost session once and retry a command that certainly did not run. */
  recreateLostSessions: boolean;
}

/**
 * The defaults of each mode. 'reliability' also re-creates a session that vanished before a command could
 * run (the error says `dispatched: false`) and retries that command once.
 */
export const PERFORMANCE_MODE_DEFAULTS: Readonly<Record<PerformanceMode, Readonly<PerformanceModeDefaults>>> =
  {
    performance: { commandTimeout: 10_000, captureBufferSize: 1000, recreateLostSessions: false },
    balanced: { commandTimeout: 30_000, captureBufferSize: 5000, recreateLostSessions: false },
    reliability: { commandTimeout: 120_000, captureBufferSize: 20_000, recreateLostSessions: true },
  };
