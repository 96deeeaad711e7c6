import { type Duplex } from 'node:stream';
import { type ForegroundSignal } from '@vth/shell-integration';
import { type EngineClient } from './engine-client';

/**
 * Run by `sh` inside the container (an `exec` of the Engine API), for when this host's `/proc` cannot see
 * the container's processes (a remote engine, or vth in a PID namespace of its own). It finds the session's
 * shell as the container's `/proc` shows it: the oldest child of the init (pid 1). Anything else whose
 * parent is the init is younger: the session's own processes, orphaned and reparented to it. Then, by
 * `$1`: `check` answers 0 when the shell holds its terminal (no job in the foreground), 1 when not;
 * `INT`/`TERM`/`KILL` signals the terminal's foreground process group when it is not the shell's own,
 * answering 0 once sent, 3 when there is nothing to signal. 4: no shell found; 5: `kill` failed. The answer
 * is printed (`vth-foreground:<n>`): an exec's exit code is not always set when its stream ends.
 */
const FOREGROUND_SCRIPT = `(
mode=$1
shell= start= pgrp= tpgid=
for f in /proc/[0-9]*/stat; do
  { read -r line < "$f"; } 2>/dev/null || continue
  pid=\${line%% *}
  set -- \${line##*) }
  [ "$2" = 1 ] || continue
  if [ -z "$shell" ] || [ "\${20}" -lt "$start" ]; then shell=$pid start=\${20} pgrp=$3 tpgid=$6; fi
done
[ -n "$shell" ] || exit 4
if [ "$mode" = check ]; then [ "$tpgid" = "$pgrp" ] && [ "$pgrp" = "$shell" ]; exit $?; fi
[ "$tpgid" -gt 0 ] && [ "$tpgid" != "$pgrp" ] || exit 3
kill -"$mode" "-$tpgid" 2>/dev/null || exit 5
)
echo "vth-foreground:$?"`;

/** The signal as `kill -NAME` takes it. */
const SIGNAL_NAMES: Record<ForegroundSignal, string> = { SIGINT: 'INT', SIGTERM: 'TERM', SIGKILL: 'KILL' };

/** The most of an exec's output read: the script prints one short line. */
const MAX_OUTPUT_BYTES = 4096;

/**
 * The stdout of a non-tty exec's stream: frames of an 8-byte header (stream type, three zero bytes, a
 * big-endian length) and that many bytes; stdout is type 1. Resolves at the stream's end, after
 * `MAX_OUTPUT_BYTES`, or after `ms`.
 */
function readStdout(stream: Duplex, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let pending = Buffer.alloc(0);
    let out = '';
    const finish = () => {
      clearTimeout(timer);
      stream.destroy();
      resolve(out);
    };
    const timer = setTimeout(finish, ms);
    stream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 8 && pending.length >= 8 + pending.readUInt32BE(4)) {
        const size = pending.readUInt32BE(4);
        if (pending[0] === 1) out += pending.subarray(8, 8 + size).toString('latin1');
        pending = pending.subarray(8 + size);
      }
      if (out.length + pending.length > MAX_OUTPUT_BYTES) finish();
    });
    stream.on('end', finish).on('close', finish).on('error', finish);
  });
}

/**
 * Runs the script in the container through the engine with `arg` and answers its exit status (as it
 * printed it), or `null` when it could not be run or did not report (no `sh` in the image, the container's
 * process limit reached, the engine gone, no answer within `ms`).
 */
async function runInContainer(
  engine: EngineClient,
  containerId: string,
  arg: string,
  ms: number,
): Promise<number | null> {
  const created = await engine.json<{ Id?: string }>('POST', `/containers/${containerId}/exec`, {
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: false,
    Tty: false,
    Cmd: ['sh', '-c', FOREGROUND_SCRIPT, 'sh', arg],
  });
  const execId = created.ok ? created.value.Id : undefined;
  if (!execId) return null;
  const started = await engine.hijack(`/exec/${execId}/start`, { Detach: false, Tty: false });
  if (!started.ok) return null;
  const reported = /vth-foreground:(\d+)/.exec(await readStdout(started.value, ms));
  return reported ? Number(reported[1]) : null;
}

/**
 * Foreground checks through the engine a session may cause in `CHECK_WINDOW_MS`: a check answers a re-arm
 * request, which anything the session prints can fake, and each costs an `exec` on a shared engine.
 */
const CHECKS_PER_WINDOW = 3;
const CHECK_WINDOW_MS = 3000;

/** How long an exec of the script may take before its answer counts as none. */
const EXEC_ANSWER_MS = 10_000;

/**
 * The terminal's foreground, reached through the engine instead of this host's `/proc`: what a shell
 * transport's `signalForeground` and `shellInForeground` need, for containers whose processes are not
 * visible here. Each call is one short `exec` in the container, run as the container's user (who owns the
 * session's processes). At most one runs at a time per container, and at most `CHECKS_PER_WINDOW`
 * foreground checks per `CHECK_WINDOW_MS` of `clock`: a call beyond that answers `false` at once (an
 * escalation step or a re-arm request never queues up engine work, however often the session asks).
 *
 * @example
 * ```ts
 * const fg = engineForeground(engine, containerId);
 * if (!(await fg.signalForeground('SIGTERM'))) console.log('nothing to signal');
 * ```
 */
export function engineForeground(
  engine: EngineClient,
  containerId: string,
  clock: () => number = Date.now,
): {
  signalForeground(signal: ForegroundSignal): Promise<boolean>;
  shellInForeground(): Promise<boolean>;
} {
  let busy = false;
  const checks: number[] = [];
  const once = async (arg: string): Promise<number | null> => {
    if (busy) return null;
    busy = true;
    try {
      return await runInContainer(engine, containerId, arg, EXEC_ANSWER_MS);
    } finally {
      busy = false;
    }
  };
  return {
    signalForeground: async (signal) => (await once(SIGNAL_NAMES[signal])) === 0,
    shellInForeground: async () => {
      const now = clock();
      while (checks.length > 0 && now - checks[0]! >= CHECK_WINDOW_MS) checks.shift();
      if (checks.length >= CHECKS_PER_WINDOW) return false;
      checks.push(now);
      return (await once('check')) === 0;
    },
  };
}
