import { execFileSync, spawnSync } from 'node:child_process';

/** Built by tools/scripts/ensure-docker.sh (static bash + busybox): no registry is reachable here. */
export const IMAGE = process.env['VTH_TEST_IMAGE'] ?? 'local/vth-sandbox:1';

/** Debian's docker CLI (a newer static one may shadow it in /usr/local/bin and speak a newer API). */
export const docker = (...args: string[]): string =>
  execFileSync('/usr/bin/docker', args, { encoding: 'utf8' }).trim();

/** The CLI's stdout and stderr together, and whether it succeeded, for calls expected to fail. */
export function dockerTry(...args: string[]): { ok: boolean; text: string } {
  const r = spawnSync('/usr/bin/docker', args, { encoding: 'utf8' });
  return { ok: r.status === 0, text: `${r.stdout}${r.stderr}` };
}

/** Polls `check` until it holds or the deadline passes; the last answer is the result. */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
