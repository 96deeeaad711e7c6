import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type BackendResult, ok } from '@vth/core';
import { type TmuxControlClient } from './control-client';
import { quoteTmuxArg, quoteTmuxFormatArg } from './tmux-quote';

/**
 * A pane's text, history included, as lines (wrapped lines joined). It goes through a tmux buffer saved
 * to a file in `dir` (a private directory) instead of `capture-pane -p`, whose reply carries the pane's
 * text raw on the control channel: there a line the program printed that equals the reply's own `%end`
 * guard (time, command number, flags: guessable) would end the reply early and let the rest pose as tmux.
 * Through the file the text is only ever data.
 *
 * @example `const lines = await capturePaneLines(client, '%3', workDir, 'vth-capture-1');`
 */
export async function capturePaneLines(
  client: TmuxControlClient,
  paneId: string,
  dir: string,
  name: string,
): Promise<BackendResult<string[]>> {
  const buffer = quoteTmuxArg(name);
  const file = join(dir, `${name}.txt`);
  // One write, three replies: tmux runs them back to back, before any other command of this client.
  // -S - : from the start of the history, not just the visible screen; -J joins wrapped lines.
  const [captured, saved] = await client.commands([
    `capture-pane -b ${buffer} -J -S - -t ${paneId}`,
    `save-buffer -b ${buffer} ${quoteTmuxFormatArg(file)}`,
    `delete-buffer -b ${buffer}`,
  ]);
  try {
    if (!captured!.ok) return captured!;
    // tmux makes no buffer of nothing: an empty capture.
    if (!saved!.ok) return /no buffer/.test(saved!.error.message) ? ok([]) : saved!;
    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return ok(lines);
  } finally {
    await unlink(file).catch(() => undefined);
  }
}

/**
 * The pane's text as `capture` answers it: its last `lines` lines (all when `undefined`), trailing blank
 * lines dropped, each ended by a newline.
 */
export async function capturePaneText(
  client: TmuxControlClient,
  paneId: string,
  dir: string,
  name: string,
  lines: number | undefined,
): Promise<BackendResult<string>> {
  const captured = await capturePaneLines(client, paneId, dir, name);
  if (!captured.ok) return captured;
  const all = [...captured.value];
  while (all.length > 0 && all[all.length - 1]!.trim() === '') all.pop();
  const kept = lines === undefined ? all : all.slice(-lines);
  return ok(kept.length > 0 ? kept.join('\n') + '\n' : '');
}
