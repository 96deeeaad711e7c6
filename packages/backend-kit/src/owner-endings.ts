/** How many sessions ended by their owner are remembered after the backend forgot them. */
const KEPT = 1024;

/**
 * Sessions the caller ended (`destroyed`, `shutdown`), remembered after the backend forgot them: a
 * handle's final answer is read a moment after a backend may have dropped its session (the pane noticed
 * its shell gone first), and must still say the owner ended it. Bounded to the most recent.
 */
export class OwnerEndings {
  private readonly reasons = new Map<string, 'destroyed' | 'shutdown'>();

  remember(sessionId: string, why: 'destroyed' | 'shutdown'): void {
    this.reasons.delete(sessionId);
    this.reasons.set(sessionId, why);
    if (this.reasons.size > KEPT) this.reasons.delete(this.reasons.keys().next().value!);
  }

  /** Why the owner ended this session, if it did (and it is among the most recent). */
  reason(sessionId: string): 'destroyed' | 'shutdown' | undefined {
    return this.reasons.get(sessionId);
  }
}
