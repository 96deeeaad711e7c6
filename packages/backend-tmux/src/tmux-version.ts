import { execFile } from 'node:child_process';

/** The oldest tmux this backend drives: control-mode flow control, `new-session -e`, `%exit` reasons. */
export const MIN_TMUX_VERSION: readonly [number, number] = [3, 2];

export type TmuxVersionCheck =
  { ok: true; version: string; major: number; minor: number } | { ok: false; reason: string; hint: string };

const INSTALL_HINT = 'install tmux 3.2 or later (Debian/Ubuntu: apt-get install tmux)';

/** Parses `tmux -V` output: "tmux 3.3a", "tmux next-3.4", "tmux master". */
export function parseTmuxVersion(text: string): { major: number; minor: number } | null {
  const m = /(\d+)\.(\d+)/.exec(text);
  if (m) return { major: Number(m[1]), minor: Number(m[2]) };
  return /\b(master|next)\b/.test(text) ? { major: 99, minor: 0 } : null;
}

/** Runs `<tmuxPath> -V` and checks the version. */
export function checkTmuxVersion(tmuxPath: string, timeoutMs = 5000): Promise<TmuxVersionCheck> {
  return new Promise((resolve) => {
    execFile(tmuxPath, ['-V'], { timeout: timeoutMs }, (error, stdout) => {
      if (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        resolve({
          ok: false,
          reason: missing ? `tmux was not found (${tmuxPath})` : `"${tmuxPath} -V" failed: ${error.message}`,
          hint: INSTALL_HINT,
        });
        return;
      }
      const text = stdout.trim();
      const v = parseTmuxVersion(text);
      if (!v) {
        resolve({ ok: false, reason: `cannot read the tmux version from "${text}"`, hint: INSTALL_HINT });
        return;
      }
      const [minMajor, minMinor] = MIN_TMUX_VERSION;
      if (v.major < minMajor || (v.major === minMajor && v.minor < minMinor)) {
        resolve({
          ok: false,
          reason: `${text} is too old: vth needs tmux ${minMajor}.${minMinor} or later`,
          hint: INSTALL_HINT,
        });
        return;
      }
      resolve({ ok: true, version: text, ...v });
    });
  });
}
