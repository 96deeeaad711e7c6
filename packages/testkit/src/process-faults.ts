import * as vm from 'node:vm';
import { preview } from './helpers';

/** What reached the process while a check ran: uncaught exceptions and unhandled rejections. */
export interface ProcessFaultWatch {
  /** One line per fault so far. */
  faults(): string[];
  /** Stops listening. */
  stop(): void;
}

function describeFault(kind: string, fault: unknown): string {
  try {
    const message = (fault as { message?: unknown } | null)?.message;
    return `${kind}: ${typeof message === 'string' ? message : preview(fault)}`;
  } catch {
    // A hostile thrown value (a Proxy, a throwing toString): the fault still counts.
    return `${kind}: (a value that cannot be shown)`;
  }
}

/**
 * Listens for uncaught exceptions and unhandled rejections on the real process. Jest hands test code a
 * copy of `process` whose listeners never hear them, so the real one is reached from the main context.
 *
 * @example
 * ```ts
 * const watch = watchProcessFaults();
 * try { await hostileCalls(); } finally { watch.stop(); }
 * expect(watch.faults()).toEqual([]);
 * ```
 */
export function watchProcessFaults(): ProcessFaultWatch {
  const real = vm.runInThisContext('process') as NodeJS.Process;
  const faults: string[] = [];
  const onException = (error: unknown) => faults.push(describeFault('uncaught exception', error));
  const onRejection = (reason: unknown) => faults.push(describeFault('unhandled rejection', reason));
  real.on('uncaughtException', onException);
  real.on('unhandledRejection', onRejection);
  return {
    faults: () => [...faults],
    stop() {
      real.off('uncaughtException', onException);
      real.off('unhandledRejection', onRejection);
    },
  };
}
