const MARK = Buffer.from('\x1b]6973;R\x07', 'latin1');

/**
 * Drives a quiet interactive bash over any byte stream, as a careful hand-written driver would: a printf
 * mark after each command, searched in the newest bytes only (plus a mark-sized overlap). The raw baselines
 * share it; only how bytes come and go differs.
 *
 * @param {(listener: (chunk: Buffer) => void) => void} onData
 * @param {(text: string) => void} write
 * @returns {Promise<{ run(command: string): Promise<void> }>} once the shell is quiet
 */
export async function markShell(onData, write) {
  let waiter = null;
  let tail = Buffer.alloc(0);
  onData((chunk) => {
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
  write("stty -echo -onlcr; PS1= PS2=; printf '\\033]6973;R\\007'\n");
  await ready;
  return {
    run(command) {
      const done = untilMark();
      write(`${command}; printf '\\033]6973;R\\007'\n`);
      return done;
    },
  };
}
