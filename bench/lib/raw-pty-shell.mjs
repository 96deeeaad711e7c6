import { createRequire } from 'node:module';
import { markShell } from './raw-mark-shell.mjs';

const require = createRequire(import.meta.url);
const pty = require('node-pty');

/**
 * The raw baseline: a quiet bash on node-pty and a printf mark after each command, no abstraction. The
 * mark is searched in the newest bytes only (plus a mark-sized overlap), as a careful hand-written driver would.
 */
export async function startRawShell() {
  const term = pty.spawn('bash', ['--noprofile', '--norc', '--noediting', '-i'], {
    name: 'xterm-256color',
    cols: 120,
    rows: 30,
    cwd: '/tmp',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME ?? '/tmp',
      LANG: 'C.UTF-8',
      TERM: 'xterm-256color',
    },
    encoding: null,
  });
  const shell = await markShell(
    (listener) => term.onData(listener),
    (text) => term.write(text),
  );
  return {
    run: shell.run,
    kill() {
      term.kill('SIGKILL');
    },
  };
}
