import { type BackendEventMap } from '@vth/core';
import { auditFields, type MetricsRecorder } from '@vth/core/kit';
import { type ShellCommandRunnerOptions } from './command-runner-options';

interface CommandEventTarget {
  emit<K extends 'command-started' | 'command-completed'>(name: K, ...args: BackendEventMap[K]): boolean;
}

/**
 * The runner callbacks every backend wires the same way: count the command in the backend's metrics and
 * emit `command-started` (with the audit fields of its context) and `command-completed`.
 *
 * @example
 * ```ts
 * new ShellCommandRunner({ ..., ...commandEvents(this, this.metrics, sessionId, paneId) });
 * ```
 */
export function commandEvents(
  backend: CommandEventTarget,
  metrics: MetricsRecorder,
  sessionId: string,
  paneId: string,
): Pick<ShellCommandRunnerOptions, 'onCommandStarted' | 'onCommandCompleted'> {
  return {
    onCommandStarted: (info) => {
      metrics.commandStarted();
      backend.emit('command-started', {
        sessionId,
        paneId,
        commandId: info.commandId,
        command: info.command,
        startedAt: info.startedAt,
        ...auditFields(info.context),
      });
    },
    onCommandCompleted: (execution, outputBytes) => {
      metrics.commandFinished(execution, outputBytes);
      backend.emit('command-completed', execution);
    },
  };
}
