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
  private current: (Job & { timer: NodeJS.Timeout }) | null = null;
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
    const timer = setTimeout(() => {
      void this.stop();
      this.settle('too-slow');
    }, this.budgetMs);
    this.current = { ...job, timer };
    this.spawn().postMessage({ source: job.source, text: job.text });
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
    worker.on('message', (found: PatternMatch) => {
      if (this.worker === worker) this.settle(found);
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
    if (worker) await worker.terminate();
  }
}
