import { PassThrough } from 'node:stream';
import { type Output } from '../stdio';

interface Captured {
  /** Everything written so far. */
  (): string;
  /** Resolves once what was written satisfies `done`. */
  until(done: (text: string) => boolean): Promise<void>;
}

function capture(stream: PassThrough): Captured {
  let text = '';
  const waiting = new Set<() => void>();
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const check of waiting) check();
  });
  const captured = () => text;
  captured.until = (done: (text: string) => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!done(text)) return;
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      check();
    });
  return captured;
}

/** An `Output` whose stdout and stderr are kept as text. */
export function captureOutput(): { output: Output; stdout: Captured; stderr: Captured } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  return { output: { stdout, stderr }, stdout: capture(stdout), stderr: capture(stderr) };
}
