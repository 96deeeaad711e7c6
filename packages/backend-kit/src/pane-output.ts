import { type BackendEventMap } from '@vth/core';
import { type PaneOutput } from './session-parts';

interface OutputEmitter {
  listenerCount(name: 'output'): number;
  emit(name: 'output', ...args: BackendEventMap['output']): boolean;
}

/**
 * A pane printed `data`: it is kept in the pane's scrollback (when the backend keeps one) and emitted,
 * decoded, as an `output` event when someone listens (nobody listening: no decoding at all).
 *
 * @example
 * ```ts
 * onOutput: (data, commandId) => emitPaneOutput(this, session.output, session.id, '0', data, commandId),
 * ```
 */
export function emitPaneOutput(
  emitter: OutputEmitter,
  output: PaneOutput,
  sessionId: string,
  paneId: string,
  data: Buffer,
  commandId: string | undefined,
): void {
  output.scrollback?.append(data);
  if (emitter.listenerCount('output') === 0) return;
  const text = output.decoder.write(data);
  if (text) {
    emitter.emit('output', {
      sessionId,
      paneId,
      ...(commandId === undefined ? {} : { commandId }),
      data: text,
    });
  }
}
