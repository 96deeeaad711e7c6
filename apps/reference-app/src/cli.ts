#!/usr/bin/env node
// tsyringe reads decorator metadata through the Reflect API: the polyfill loads once, before anything else.
import 'reflect-metadata';
import { runCli } from './run-cli';

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

// A reader that went away (`vth exec -- seq 1000000 | head -1`) is no reason to crash with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

runCli(process.argv).then(
  async (code) => {
    await Promise.all([flush(process.stdout), flush(process.stderr)]);
    // Explicitly: a backend library may leave a handle open; every session is already gone by now.
    process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`vth: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
