import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pty = require('node-pty');

const MARK = Buffer.from('\x1b]6973;R\x07', 'latin1');

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
  let waiter = null;
  let tail = Buffer.alloc(0);
  term.onData((chunk) => {
    const hay = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    if (waiter && hay.indexOf(MARK) !== -1) {
      tail = Buffer.alloc(0);
      const w = waiter;
      waiter = null;
      w();
    } else tail = hay.subarray(Math.max(0, hay.length - MARK.length));
  });
  const untilMark = () => new Promise((r) => (waiter = r));
  const ready = untilMark();
  term.write("stty -echo -onlcr; PS1= PS2=; printf '\\033]6973;R\\007'\n");
  await ready;
  return {
    run(command) {
      const done = untilMark();
      term.write(`${command}; printf '\\033]6973;R\\007'\n`);
      return done;
    },
    kill() {
      term.kill('SIGKILL');
    },
  };
}
