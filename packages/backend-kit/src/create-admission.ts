import { fail, ok, type BackendResult } from '@vth/core';

/** How a waiting create may end before it gets its turn. */
export interface AdmissionWait {
  /** Gives up when it aborts (the caller's `ExecutionContext.signal`, already linked at the boundary). */
  signal?: AbortSignal | undefined;
  /** Gives up after this long in the queue (the caller's `ExecutionContext.timeoutMs`). */
  timeoutMs?: number | undefined;
}

/** Ends a create's turn: the next waiting create starts. Calling it again does nothing. */
export type AdmissionRelease = () => void;

interface Waiter {
  admit(release: AdmissionRelease): void;
  refuse(result: BackendResult<never>): void;
}

/**
 * The admission queue of session creation: at most `limit` creates run at once (each holds a turn from
 * admission until its session is up, or its create failed); the others wait in call order (FIFO). A
 * waiting create can give up (its signal aborts or its `timeoutMs` passes) and is then refused with
 * `TIMEOUT`, `dispatched: false`: it never reached what runs the sessions. `close` refuses every waiting
 * create with `NOT_INITIALIZED` (the backend shut down) and every later one.
 *
 * Why: thousands of creates started at once all reach the terminal server (or fork a pty each, blocking
 * the event loop) together, so they time out in bulk, while the sessions they asked for are still made.
 * Queued here they start a few at a time and none times out for waiting on the others.
 *
 * @example
 * ```ts
 * const admission = new CreateAdmission(() => 16, () => 'tmux-1');
 * const turn = await admission.enter({ signal, timeoutMs: 5000 });
 * if (!turn.ok) return turn; // TIMEOUT, dispatched: false
 * try { return await open(); } finally { turn.value(); }
 * ```
 */
export class CreateAdmission {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private closedBecause: string | null = null;

  /** `limit()` is read at each admission (the config may change on a later `initialize`). */
  constructor(
    private readonly limit: () => number,
    private readonly backendId: () => string,
  ) {}

  /** Creates holding a turn now. */
  get active(): number {
    return this.running;
  }

  /** Creates waiting for a turn now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Waits for a turn (at once when one is free and nobody waits before); resolves with its release. */
  enter(wait: AdmissionWait = {}): Promise<BackendResult<AdmissionRelease>> {
    if (this.closedBecause !== null) return Promise.resolve(this.refusal(this.closedBecause));
    if (wait.signal?.aborted) return Promise.resolve(this.gaveUp('its signal was aborted', 0));
    if (this.waiting.length === 0 && this.running < this.limit()) return Promise.resolve(ok(this.turn()));
    return new Promise((resolve) => {
      const since = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const leave = () => {
        clearTimeout(timer);
        wait.signal?.removeEventListener('abort', onAbort);
        const at = this.waiting.indexOf(waiter);
        if (at !== -1) this.waiting.splice(at, 1);
      };
      const waiter: Waiter = {
        admit: (release) => {
          leave();
          resolve(ok(release));
        },
        refuse: (result) => {
          leave();
          resolve(result);
        },
      };
      const onAbort = () => waiter.refuse(this.gaveUp('its signal was aborted', Date.now() - since));
      if (wait.timeoutMs !== undefined) {
        timer = setTimeout(
          () => waiter.refuse(this.gaveUp(`its timeoutMs (${wait.timeoutMs} ms) passed`, Date.now() - since)),
          wait.timeoutMs,
        );
      }
      wait.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /**
   * Runs `open` in a turn (see `enter`). The turn passes on when `open` has failed or returned, or, when
   * `holdUntil` gives a promise for what `open` returned (a session whose start still costs), once that
   * promise settles.
   */
  async run<T>(
    wait: AdmissionWait,
    open: () => Promise<BackendResult<T>>,
    holdUntil: (value: T) => Promise<unknown> | undefined,
  ): Promise<BackendResult<T>> {
    const turn = await this.enter(wait);
    if (!turn.ok) return turn;
    let release: AdmissionRelease | undefined = turn.value;
    try {
      const opened = await open();
      const held = opened.ok ? holdUntil(opened.value) : undefined;
      if (held) {
        const done = release;
        release = undefined;
        void held.then(done, done);
      }
      return opened;
    } finally {
      release?.();
    }
  }

  /** Refuses every waiting create from now on with `NOT_INITIALIZED` (`reason` says why). */
  close(reason: string): void {
    this.closedBecause = reason;
    for (const waiter of [...this.waiting]) waiter.refuse(this.refusal(reason));
  }

  private turn(): AdmissionRelease {
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.next();
    };
  }

  private next(): void {
    while (this.waiting.length > 0 && this.running < this.limit()) this.waiting[0]!.admit(this.turn());
  }

  private gaveUp(why: string, waitedMs: number): BackendResult<never> {
    return fail(
      'TIMEOUT',
      `the session was not created: ${why} while it waited ${waitedMs} ms for one of the ` +
        `${this.limit()} creates that may run at once (maxConcurrentCreates); nothing was started`,
      { dispatched: false, backendId: this.backendId(), details: { waitedMs, queued: this.waiting.length } },
    );
  }

  private refusal(reason: string): BackendResult<never> {
    return fail('NOT_INITIALIZED', reason, { dispatched: false, backendId: this.backendId() });
  }
}
