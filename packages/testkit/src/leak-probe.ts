import {
  descendantsOf,
  describeProcess,
  readProcessTable,
  type ProcessStat,
} from './list-descendant-processes';
import { pollUntil } from './helpers';

/** How the suite looks for what a backend left behind. */
export interface LeakProbe {
  /** Records what exists before the suite starts: none of it is ever counted as a leak. */
  start(): Promise<void>;
  /**
   * Called just before a backend shuts down, `label` naming the block: processes it sees are recognised
   * later even when the shutdown orphans them (reparented away from the Jest worker).
   */
  observe(label: string): Promise<void>;
  /** What is left behind now, one line each. */
  list(): Promise<string[]>;
  /** Polls `list` until it is empty or `timeoutMs` passed; returns the last list. */
  settle(timeoutMs: number): Promise<string[]>;
}

const key = (stat: ProcessStat) => `${stat.pid}:${stat.startTime}`;

function withSettle(probe: Omit<LeakProbe, 'settle'>): LeakProbe {
  return {
    ...probe,
    settle: (timeoutMs) =>
      pollUntil(
        () => probe.list(),
        (leaks) => leaks.length === 0,
        { timeoutMs },
      ),
  };
}

/** The probe over a user's `listLeaks`: its entries at the start are the baseline. */
function customProbe(listLeaks: () => Promise<string[]>): LeakProbe {
  let baseline = new Set<string>();
  let startError: unknown;
  return withSettle({
    async start() {
      try {
        baseline = new Set(await listLeaks());
      } catch (error) {
        startError = error;
      }
    },
    observe: () => Promise.resolve(), // a custom lister sees every resource whenever it is called
    async list() {
      if (startError !== undefined) throw startError;
      return (await listLeaks()).filter((entry) => !baseline.has(entry));
    },
  });
}

/**
 * The default probe: descendant processes of the Jest worker (live or zombie), plus processes seen as
 * descendants before a shutdown that are still alive elsewhere. An orphaned zombie is not counted: its
 * new parent (init or a subreaper) is the one that should reap it.
 */
function processProbe(rootPid: number): LeakProbe {
  const baseline = new Set<string>();
  const seenBeforeShutdown = new Map<string, { stat: ProcessStat; label: string }>();
  let startError: unknown;
  const unavailable = (cause: unknown) =>
    new Error(
      `the default listLeaks reads /proc (Linux only) and failed: ${String(cause)}. ` +
        'Pass `listLeaks` to describeBackendConformance on this platform.',
      { cause },
    );
  return withSettle({
    async start() {
      try {
        for (const stat of descendantsOf(await readProcessTable(), rootPid)) baseline.add(key(stat));
      } catch (error) {
        startError = error;
      }
    },
    async observe(label) {
      if (startError !== undefined) return;
      for (const stat of descendantsOf(await readProcessTable(), rootPid)) {
        const k = key(stat);
        if (!baseline.has(k) && !seenBeforeShutdown.has(k)) seenBeforeShutdown.set(k, { stat, label });
      }
    },
    async list() {
      if (startError !== undefined) throw unavailable(startError);
      let table: ProcessStat[];
      try {
        table = await readProcessTable();
      } catch (error) {
        throw unavailable(error);
      }
      const leaks: string[] = [];
      const descendants = new Set<string>();
      for (const stat of descendantsOf(table, rootPid)) {
        const k = key(stat);
        descendants.add(k);
        if (baseline.has(k)) continue;
        const seen = seenBeforeShutdown.get(k);
        leaks.push(seen ? `${describeProcess(stat)} (seen in "${seen.label}")` : describeProcess(stat));
      }
      for (const stat of table) {
        const k = key(stat);
        const seen = seenBeforeShutdown.get(k);
        if (!seen || descendants.has(k) || stat.state === 'Z') continue;
        leaks.push(
          `${describeProcess(stat)} (orphaned, now a child of ${stat.ppid}; seen in "${seen.label}")`,
        );
      }
      return leaks;
    },
  });
}

export function createLeakProbe(listLeaks?: () => Promise<string[]>): LeakProbe {
  return listLeaks ? customProbe(listLeaks) : processProbe(process.pid);
}
