import { closeSync, constants, openSync } from 'node:fs';
import { WriteStream } from 'node:tty';

/**
 * The size the kernel holds for a pane's terminal (TIOCGWINSZ), read through the tty device tmux reports
 * as `#{pane_tty}`. `null` when it cannot be read (the pane is gone, or the tty is not ours to open).
 */
export function readPtySize(ttyPath: string): { cols: number; rows: number } | null {
  let fd: number;
  try {
    // O_NOCTTY: looking at a pane's terminal must not make it ours.
    fd = openSync(ttyPath, constants.O_RDWR | constants.O_NOCTTY);
  } catch {
    return null;
  }
  try {
    const stream = new WriteStream(fd);
    const [cols, rows] = stream.getWindowSize();
    stream.destroy();
    return { cols, rows };
  } catch {
    closeSync(fd);
    return null;
  }
}

/**
 * Waits until the pane's terminal has this size, or `ms` passed (tmux hands a pane at most one new size per
 * 250 ms), checking every 20 ms; returns at once when the size cannot be read.
 */
export async function waitForPtySize(ttyPath: string, cols: number, rows: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const size = readPtySize(ttyPath);
    if (!size || (size.cols === cols && size.rows === rows) || Date.now() > deadline) return;
    await new Promise((res) => setTimeout(res, 20));
  }
}
