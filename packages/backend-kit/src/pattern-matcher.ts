import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** How long one test of a `waitFor` pattern against its window may take before it is given up. */
export const PATTERN_BUDGET_MS = 250;

/** A pattern's first match in a text; `null`: none; `too-slow`: the test outran its budget and was stopped. */
export type PatternMatch =
  | {
      /** Where the match starts in the text (UTF-16 units, as `RegExp.exec` counts). */
      index: number;
      /** What matched. */
      text: string;
    }
  | null
  | 'too-slow';

// Plain JavaScript: the worker runs it as is (no module loader, no TypeScript).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
// Our OS thread id, so the parent can read this thread's CPU time (Linux); elsewhere it counts wall time.
try { parentPort.postMessage({ tid: Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()) }); } catch {}
parentPort.on('message', ({ source, text }) => {
  let found = null;
  try {
    const m = new RegExp(source).exec(text);
    if (m) found = { index: m.index, text: m[0] };
  } catch {}
  parentPort.postMessage(found);
});
`;

interface Job {
  source: string;
  text: string;
  resolve: (result: PatternMatch) => void;
}

/**
 * Tests client patterns against command output off the event loop. A regular expression can take
 * exponential time (`(a+)+$`), and an innocent one polynomial time on hostile output (`.*x.*y` over
 * 64 KiB of one line took 5 s here): in-process, either would stall every session of the backend. Tests
 * run one at a time in a worker thread, each within {@link PATTERN_BUDGET_MS}; a test past it has its worker
 * terminated (a new one serves the next test) and answers `too-slow`. The worker is made on first use,
 * never keeps the process alive, and `close()` ends it.
 *
 * @example
 * ```ts
 * const matcher = new PatternMatcher();
 * const found = await matcher.match('ready on port (\\d+)', window); // { index, text } | null | 'too-slow'
 * await matcher.close();
 * ```
 */
export class PatternMatcher {
  private worker: Worker | null = null;
  private readonly queue: Job[] = [];
  private current: (Job & { timer: NodeJS.Timeout | undefined }) | null = null;
  /** The worker runs: a test's budget starts then (starting a worker on a busy machine can take longer). */
  private online = false;
  /** The worker's OS thread id, once it has told (Linux). */
  private tid: number | null = null;
  private closed = false;

  constructor(
    /** How long one test may run before its worker is terminated and it answers `too-slow`. */
    readonly budgetMs = PATTERN_BUDGET_MS,
  ) {}

  /** Tests the regular expression `source` (no flags) against `text`; `null` also once `close()` was called. */
  match(source: string, text: string): Promise<PatternMatch> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.queue.push({ source, text, resolve });
      this.next();
    });
  }

  /** Ends the worker; tests still queued answer `null` (no match). */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(null);
    this.settle(null);
    await this.stop();
  }

  private next(): void {
    if (this.current || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.current = { ...job, timer: undefined };
    this.spawn().postMessage({ source: job.source, text: job.text });
    if (this.online) this.arm();
  }

  /**
   * Starts the current test's budget. Where the worker's CPU time can be read (Linux), the budget is CPU
   * time: on a loaded machine a starved worker is given more wall time (up to 40 budgets), a busy one is
   * stopped once it has really spent the budget. Elsewhere it is wall time.
   */
  private arm(): void {
    const job = this.current;
    if (!job || job.timer) return;
    const startCpu = this.workerCpuMs();
    const startWall = Date.now();
    const check = (): void => {
      if (this.current !== job) return;
      const cpu = this.workerCpuMs();
      // A worker whose id came after the test started: its whole CPU time so far counts (startup included).
      const spent = cpu === null ? this.budgetMs : cpu - (startCpu ?? 0);
      if (spent < this.budgetMs && Date.now() - startWall < this.budgetMs * 40) {
        job.timer = setTimeout(check, Math.max(10, this.budgetMs - spent));
        return;
      }
      void this.stop();
      this.settle('too-slow');
    };
    job.timer = setTimeout(check, this.budgetMs);
  }

  /** The worker thread's CPU time so far (user + system), or `null` where it cannot be read. */
  private workerCpuMs(): number | null {
    if (this.tid === null) return null;
    try {
      const stat = readFileSync(`/proc/self/task/${this.tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return null;
    }
  }

  private settle(result: PatternMatch): void {
    const job = this.current;
    if (!job) return;
    clearTimeout(job.timer);
    this.current = null;
    job.resolve(result);
    this.next();
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.once('online', () => {
      if (this.worker !== worker) return;
      this.online = true;
      this.arm();
    });
    worker.on('message', (message: { index: number; text: string } | { tid: number } | null) => {
      if (this.worker !== worker) return;
      if (message !== null && 'tid' in message) this.tid = message.tid;
      else this.settle(message);
    });
    // A worker that dies (out of memory, say) fails its test as too slow; the next test gets a new one.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.settle('too-slow');
    });
    this.worker = worker;
    return worker;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.online = false;
    this.tid = null;
    if (worker) await worker.terminate();
  }
}
