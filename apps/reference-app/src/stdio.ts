/** Where a command writes: the process's streams in the CLI, PassThrough streams in tests. */
export interface Output {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Where the shell command reads lines; `isTTY` switches on the prompt and line editing. */
export type Input = NodeJS.ReadableStream & { isTTY?: boolean };

export type HandledSignal = 'SIGINT' | 'SIGTERM';

/** The part of `process` that delivers signals. */
export interface SignalSource {
  on(signal: HandledSignal, listener: () => void): unknown;
  off(signal: HandledSignal, listener: () => void): unknown;
}

/**
 * Listens for each signal until the returned function is called. While listening, the signals no longer
 * end the process: the caller cleans up (destroys sessions) and picks the exit code.
 *
 * @example
 * ```ts
 * const stop = onSignals(process, ['SIGINT', 'SIGTERM'], (signal) => abort.abort(signal));
 * try { await run(); } finally { stop(); }
 * ```
 */
export function onSignals(
  source: SignalSource,
  signals: readonly HandledSignal[],
  handler: (signal: HandledSignal) => void,
): () => void {
  const listeners = signals.map((signal) => {
    const listener = () => handler(signal);
    source.on(signal, listener);
    return { signal, listener };
  });
  return () => {
    for (const { signal, listener } of listeners) source.off(signal, listener);
  };
}
