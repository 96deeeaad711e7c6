import { type Alert } from '../alert';
import { type AlertSink } from './alert-sink';

/** One delivered notification, numbered in order. */
export interface MemoryAlertEntry {
  /** 1 for the first notification, then one more each; never reused, also once older entries are dropped. */
  seq: number;
  /** The alert as delivered (a resolution is a separate entry with its own object). */
  alert: Alert;
}

/**
 * Keeps the latest notifications (fired and resolved) in memory, numbered, for a dashboard that polls
 * ("what is new since 41?") or a test that looks. Bounded: the oldest are dropped.
 *
 * @example
 * ```ts
 * const memory = new MemoryAlertSink({ limit: 200 });
 * const engine = AlertEngine.create({ config, sinks: [memory] });
 * memory.since(lastSeen); // notifications after `lastSeen`, oldest first
 * ```
 */
export class MemoryAlertSink implements AlertSink {
  readonly name = 'memory';
  private readonly entries: MemoryAlertEntry[] = [];
  private readonly limit: number;
  private seq = 0;

  /** @param options.limit Notifications kept (default 1000). */
  constructor(options: { limit?: number } = {}) {
    const limit = options.limit ?? 1000;
    this.limit = Number.isInteger(limit) && limit > 0 ? limit : 1000;
  }

  deliver(alert: Alert): void {
    this.entries.push({ seq: ++this.seq, alert });
    if (this.entries.length > this.limit) this.entries.shift();
  }

  /** The number of the last notification (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Notifications numbered after `seq` (all kept ones by default), oldest first. */
  since(seq = 0): MemoryAlertEntry[] {
    return this.entries.filter((e) => e.seq > seq);
  }

  /** The alerts of the notifications kept, oldest first. */
  get alerts(): Alert[] {
    return this.entries.map((e) => e.alert);
  }
}
