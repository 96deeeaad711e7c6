/**
 * The Prometheus metrics the exported alerting rules query, as the vth server is to export them. Each has
 * the labels named beside it (a scrape adds `instance` and `job`). Counters should start at 0 for every
 * backend of the pool (an `increase()` cannot see the first event of a series that appears with it).
 */
export const VTH_METRICS = {
  /** gauge {backend, type, group}: 1 while the backend is running, in rotation and not judged unhealthy; else 0. */
  backendUp: 'vth_backend_up',
  /** counter {backend}: calls the manager's health counts (commands, session starts, probes). */
  callsTotal: 'vth_commands_total',
  /** counter {backend}: those of them that failed through the backend's fault. */
  callErrorsTotal: 'vth_command_errors_total',
  /** histogram {backend}: round trip of completed commands, seconds. */
  commandDuration: 'vth_command_duration_seconds',
  /** counter {backend}: failovers away from the backend (sessions it lost and the manager moved). */
  failoversTotal: 'vth_failovers_total',
  /** counter {backend}: sessions that could not be moved off the backend. */
  migrationsFailedTotal: 'vth_migrations_failed_total',
  /** counter {backend}: hot swaps of the backend rolled back. */
  swapsFailedTotal: 'vth_swaps_failed_total',
  /** gauge {group}: backends running, in rotation, not draining, not unhealthy. */
  poolHealthyBackends: 'vth_pool_healthy_backends',
  /** gauge {group}: 1 while the group routes to every backend because too few are in rotation. */
  poolPanic: 'vth_pool_panic',
  /** gauge {experiment, variant, control, verdict}: 1 for a running variant's current verdict, 0 for the others. */
  experimentVerdict: 'vth_experiment_verdict',
} as const;
