import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MARK = Buffer.from('\\033]6973;R\\007'); // as %output escapes it: ESC and BEL in octal

/**
 * The raw control-mode baseline: one `tmux -C` client on its own server, a quiet bash in a linked window,
 * and for each command one `send-keys` line ending in a printf mark, waiting for the mark in `%output`.
 * No framing of replies, no parsing beyond a search for the mark.
 */
export async function startRawTmux() {
  const dir = mkdtempSync(join(tmpdir(), 'vth-raw-tmux-'));
  const socket = join(dir, 's');
  const client = spawn('tmux', [
    '-S',
    socket,
    '-f',
    '/dev/null',
    '-C',
    'new-session',
    '-s',
    'ctl',
    'tail',
    '-f',
    '/dev/null',
  ]);
  let waiter = null;
  let tail = Buffer.alloc(0);
  client.stdout.on('data', (chunk) => {
    const hay = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    if (waiter && hay.indexOf(MARK) !== -1) {
      tail = Buffer.alloc(0);
      const w = waiter;
      waiter = null;
      w();
    } else tail = hay.subarray(Math.max(0, hay.length - MARK.length));
  });
  const untilMark = () => new Promise((r) => (waiter = r));
  const send = (line) => client.stdin.write(line + '\n');
  await new Promise((r) => setTimeout(r, 200));
  send('new-session -d -s w -x 120 -y 30 bash --noprofile --norc --noediting -i');
  send("link-window -d -s '=w:' -t '=ctl:'");
  const ready = untilMark();
  send(`send-keys -t '=w:' -l -- "stty -echo -onlcr; PS1= PS2=; printf '\\\\033]6973;R\\\\007'\\n"`);
  await ready;
  return {
    socket,
    run(command) {
      const done = untilMark();
      send(`send-keys -t '=w:' -l -- "${command}; printf '\\\\033]6973;R\\\\007'\\n"`);
      return done;
    },
    /** Session creation through the same client: new-session + link, until tmux answers. */
    async newSession(name) {
      const replies = new Promise((resolve) => {
        let ends = 0;
        const onData = (chunk) => {
          ends += chunk.toString('latin1').split('\n%end ').length - 1;
          if (ends >= 2) {
            client.stdout.off('data', onData);
            resolve();
          }
        };
        client.stdout.on('data', onData);
      });
      send(`new-session -d -s ${name} -x 120 -y 30 bash --noprofile --norc --noediting -i`);
      send(`link-window -d -s '=${name}:' -t '=ctl:'`);
      await replies;
    },
    close() {
      try {
        execFileSync('tmux', ['-S', socket, 'kill-server']);
      } catch {
        // gone
      }
      client.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The common approach: the tmux CLI's send-keys, then capture-pane polled every 10 ms for a marker. */
export function startCliPolling(socket, target) {
  let n = 0;
  return async function run(command) {
    const marker = `done-${++n}-x`;
    execFileSync('tmux', [
      '-S',
      socket,
      'send-keys',
      '-t',
      target,
      `${command}; echo ${marker.replace('-x', '')}-''x`,
      'Enter',
    ]);
    for (;;) {
      const screen = execFileSync('tmux', ['-S', socket, 'capture-pane', '-p', '-t', target], {
        encoding: 'utf8',
      });
      if (screen.includes(marker)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  };
}
