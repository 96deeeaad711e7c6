import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** Whether this process can make a private mount namespace: root and util-linux's `unshare`. */
export function mountNamespaceSupport(): { ok: true } | { ok: false; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'needs root (a mount namespace, a tmpfs)' };
  try {
    execFileSync('unshare', ['--version'], { stdio: 'ignore' });
  } catch {
    return { ok: false, reason: 'needs util-linux (the `unshare` command)' };
  }
  return { ok: true };
}

/** `describe` when mount namespaces can be made here, else `describe.skip` with the reason on stderr. */
export function describeWithMountNamespace(name: string, body: () => void): void {
  const support = mountNamespaceSupport();
  if (support.ok) return describe(name, body);
  console.warn(`skipped "${name}": ${support.reason}`);
  describe.skip(name, body);
}

/**
 * A tiny tmpfs mounted in a private mount namespace held by a helper process: no other process of the
 * machine sees it, and it vanishes with the helper (even if this process dies: the helper ends when its
 * stdin closes). This process reaches it through `/proc/<helper>/root`, which resolves paths in the
 * helper's mounts.
 *
 * @example
 * ```ts
 * const disk = await PrivateTmpfs.mount(256 * 1024);
 * try { fs.writeFileSync(path.join(disk.path, 'x'), 'data'); disk.fill(); } finally { await disk.close(); }
 * ```
 */
export class PrivateTmpfs {
  private readonly exited: Promise<void>;

  private constructor(
    private readonly helper: ChildProcess,
    private readonly mountPoint: string,
  ) {
    this.exited = new Promise((resolve) => helper.once('exit', () => resolve()));
  }

  static async mount(bytes: number): Promise<PrivateTmpfs> {
    const mountPoint = mkdtempSync(path.join(tmpdir(), 'vth-faults-disk-'));
    // Without --fork, unshare execs the shell in place: the child's pid is the namespace's holder.
    const helper = spawn(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount -t tmpfs -o "size=$1,mode=0700" vth-faults "$0" && echo mounted && exec cat >/dev/null',
        mountPoint,
        String(bytes),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const disk = new PrivateTmpfs(helper, mountPoint);
    let stderr = '';
    helper.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const mounted = await new Promise<boolean>((resolve) => {
      helper.stdout!.setEncoding('utf8').on('data', (c: string) => c.includes('mounted') && resolve(true));
      helper.once('exit', () => resolve(false));
    });
    if (!mounted) {
      await disk.close();
      throw new Error(`could not mount a private tmpfs: ${stderr}`);
    }
    return disk;
  }

  /** The helper holding the namespace. */
  get pid(): number {
    return this.helper.pid!;
  }

  /** The tmpfs, as this process reaches it. */
  get path(): string {
    return `/proc/${this.helper.pid}/root${this.mountPoint}`;
  }

  /** Fills the disk to the last byte with a file of its own (`free()` removes it). */
  fill(): void {
    const filler = path.join(this.path, 'filler');
    for (const size of [65_536, 4_096, 512, 64, 8, 1]) {
      try {
        for (;;) appendFileSync(filler, Buffer.alloc(size));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  }

  /** Removes what `fill()` wrote. */
  free(): void {
    unlinkSync(path.join(this.path, 'filler'));
  }

  /** Ends the helper (and with it the namespace and the tmpfs), then removes the empty mount point. */
  async close(): Promise<void> {
    this.helper.stdin!.end();
    if (this.helper.exitCode === null && this.helper.signalCode === null) this.helper.kill('SIGKILL');
    await this.exited;
    rmSync(this.mountPoint, { recursive: true, force: true });
  }
}
