import { type PullProgressEvent } from '@vth/backend-container';

interface Layer {
  current: number;
  total: number;
  done: boolean;
}

const DONE = new Set(['Pull complete', 'Already exists']);
const MB = 1024 * 1024;

/**
 * The progress of `vth image pull` on a terminal: one line, redrawn in place as the engine's progress stream
 * arrives — `debian:12 [#########-----------]  45%  12.3/27.1 MB  2/5 layers`. In a pipe (`tty` false) it
 * writes nothing: a script gets the exit code, not a bar.
 *
 * @example
 * ```ts
 * const bar = new PullProgressBar(process.stderr, process.stderr.isTTY === true, 'debian:12');
 * await pullImage(engine, 'debian:12', (e) => bar.update(e));
 * bar.finish();
 * ```
 */
export class PullProgressBar {
  private readonly layers = new Map<string, Layer>();
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly tty: boolean,
    private readonly ref: string,
    private readonly width = 24,
  ) {}

  /** Takes one line of the engine's progress stream. */
  update(event: PullProgressEvent): void {
    if (event.id !== undefined && event.status !== undefined && !event.status.startsWith('Pulling from')) {
      const layer = this.layers.get(event.id) ?? { current: 0, total: 0, done: false };
      const { current, total } = event.progressDetail ?? {};
      if (event.status === 'Downloading' && typeof total === 'number' && total > 0) {
        layer.total = total;
        layer.current = Math.min(current ?? 0, total);
      }
      if (event.status === 'Download complete' || DONE.has(event.status)) layer.current = layer.total;
      if (DONE.has(event.status)) layer.done = true;
      this.layers.set(event.id, layer);
    }
    this.draw();
  }

  /** Ends the line (on a terminal), so what follows starts on its own. */
  finish(): void {
    if (this.tty && this.drawn) this.out.write('\n');
  }

  /** The line as it stands: what `update` draws. */
  line(): string {
    const layers = [...this.layers.values()];
    const total = layers.reduce((n, l) => n + l.total, 0);
    const current = layers.reduce((n, l) => n + l.current, 0);
    const done = layers.filter((l) => l.done).length;
    const allDone = layers.length > 0 && done === layers.length;
    const fraction = allDone ? 1 : total > 0 ? current / total : 0;
    const filled = Math.round(fraction * this.width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}`;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const bytes = `${(current / MB).toFixed(1)}/${(total / MB).toFixed(1)} MB`;
    return `${this.ref} [${bar}] ${percent}  ${bytes}  ${done}/${layers.length} layers`;
  }

  private draw(): void {
    if (!this.tty) return;
    // Back to the start of the line and clear it: the bar is redrawn in place.
    this.out.write(`\r\x1b[K${this.line()}`);
    this.drawn = true;
  }
}
