import { type BackendError, type CommandExecution } from '@vth/core';
import { LatencyHistogram } from '@vth/core/kit';
import { CommandHistory } from './command-history';
import { toCommandResult, type CommandResult } from './command-result';
import { type PerformanceMetrics } from './performance-metrics';

/** Entries `getCommandHistory` keeps. */
export const COMMAND_HISTORY_SIZE = 1000;

/** What the integration counts of the commands run through it: outcomes, latency and the last results. */
export class CommandStats {
  private readonly history = new CommandHistory<CommandResult>(COMMAND_HISTORY_SIZE);
  private readonly latency = new LatencyHistogram();
  private readonly counts = { total: 0, succeeded: 0, failed: 0, timedOut: 0 };

  /** Counts a command that produced an execution, and keeps its result. */
  record(execution: CommandExecution): CommandResult {
    const result = toCommandResult(execution);
    this.counts.total++;
    if (result.success) this.counts.succeeded++;
    else if (result.status === 'timed-out') this.counts.timedOut++;
    else this.counts.failed++;
    this.latency.record(result.duration);
    this.history.push(result);
    return result;
  }

  /** Counts a call that threw (the backend could not run it). */
  failed(): void {
    this.counts.total++;
    this.counts.failed++;
  }

  /** The last `limit` results, oldest first. */
  recent(limit: number = COMMAND_HISTORY_SIZE): CommandResult[] {
    return this.history.recent(limit);
  }

  figures(): Pick<PerformanceMetrics, 'commands' | 'latency'> {
    const { p50, p95, p99, mean } = this.latency.summary();
    return { commands: { ...this.counts }, latency: { p50, p95, p99, mean } };
  }
}

/** The commands of a failed batch that ran before the failure (`details.executions`): real results. */
export function partialExecutions(error: BackendError): CommandExecution[] {
  const ran = error.details?.['executions'];
  return Array.isArray(ran) ? ran.filter(isCommandExecution) : [];
}

function isCommandExecution(value: unknown): value is CommandExecution {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'string' &&
    typeof (value as { status?: unknown }).status === 'string' &&
    typeof (value as { durationMs?: unknown }).durationMs === 'number'
  );
}
