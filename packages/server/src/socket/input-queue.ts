import { type BackendError, type BackendResult } from '@vth/core';

/**
 * A writer's typed input on its way to the session, in order: bytes are decoded as UTF-8 across frames (a
 * character split between two frames arrives whole) and written one call after another; at most
 * `maxQueuedBytes` wait, beyond which `push` refuses.
 */
export class InputQueue {
  private readonly decoder = new TextDecoder('utf-8');
  private queued = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly maxQueuedBytes: number,
    private readonly write: (text: string) => Promise<BackendResult<void>>,
    private readonly refused: (error: BackendError) => void,
  ) {}

  push(bytes: Uint8Array): boolean {
    if (this.queued + bytes.length > this.maxQueuedBytes) return false;
    const text = this.decoder.decode(bytes, { stream: true });
    if (text === '') return true;
    this.queued += bytes.length;
    this.tail = this.tail
      .then(async () => {
        try {
          const r = await this.write(text);
          if (!r.ok) this.refused(r.error);
        } finally {
          this.queued -= bytes.length;
        }
      })
      .catch(() => undefined);
    return true;
  }
}
