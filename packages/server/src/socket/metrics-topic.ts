/**
 * The `metrics` topic: a snapshot every interval while anyone listens (no timer runs otherwise).
 *
 * @example
 * ```ts
 * const topic = new MetricsTopic(5000, () => metricsSnapshot(...));
 * const stop = topic.subscribe((m) => send(m));
 * ```
 */
export class MetricsTopic {
  private readonly listeners = new Set<(message: { type: 'metrics'; at: number; data: unknown }) => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly snapshot: () => Promise<unknown>,
  ) {}

  subscribe(listener: (message: { type: 'metrics'; at: number; data: unknown }) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      this.timer.unref();
    }
    // A first snapshot at once, so a dashboard has figures before the first interval.
    void this.snapshot().then(
      (data) => this.listeners.has(listener) && listener({ type: 'metrics', at: Date.now(), data }),
      () => undefined,
    );
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    let data: unknown;
    try {
      data = await this.snapshot();
    } catch {
      return;
    }
    const message = { type: 'metrics' as const, at: Date.now(), data };
    for (const l of this.listeners) l(message);
  }
}
