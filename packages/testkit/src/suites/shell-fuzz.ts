import { execFileSync } from 'node:child_process';
import { expect } from '../expect';
import { useBackend } from '../backend-handle';
import { command, seededRandom } from '../shell-grammar';
import { type SuiteContext } from '../suite-context';

/** Lines per run: enough to cover the grammar, bounded so the suite stays within seconds. */
const LINES = 60;

/** `VTH_FUZZ_SEED` replays a run; otherwise each run draws a new seed, printed with any failure. */
function fuzzSeed(): number {
  const fixed = Number(process.env.VTH_FUZZ_SEED);
  return Number.isInteger(fixed) ? fixed : Math.floor(Math.random() * 2 ** 31);
}

const hostBash = (args: string[], env: Record<string, string>) =>
  execFileSync('bash', args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    cwd: '/',
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });

/**
 * One `bash -c` per line, all in one reference run: each line's output (stderr merged) then its status,
 * separated by NUL bytes (the grammar prints none).
 */
function referenceScript(lines: readonly string[]): string {
  return lines
    .map((line) => `bash -c ${`'${line.replace(/'/g, `'\\''`)}'`} 2>&1 </dev/null; printf '\\0%d\\0' "$?"`)
    .join('\n');
}

export function describeShellFuzz(ctx: SuiteContext): void {
  ctx.api.describe('random command lines agree with bash -c', () => {
    const h = useBackend(ctx, 'random command lines');

    ctx.requires('exitCodes', 'shellFeatures.bash', 'shellFeatures.realShell')(
      `${LINES} lines from a grammar of shell constructs print exactly what bash -c prints, with its status`,
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        // The reference runs with the session's locale: sorting, `${#v}` and padding depend on it.
        const locale = await ctx.run(backend, session, `printf '%s\\n' "$LANG" "$LC_ALL" "$LC_CTYPE"`);
        const [LANG = '', LC_ALL = '', LC_CTYPE = ''] = locale.output.split('\n');
        const seed = fuzzSeed();
        const rng = seededRandom(seed);
        const lines = Array.from({ length: LINES }, () => command(rng));
        const reference = (ctx.options.referenceBash ?? hostBash)(['-c', referenceScript(lines)], {
          LANG,
          LC_ALL,
          LC_CTYPE,
        }).split('\0');
        const mismatches: string[] = [];
        for (const [i, line] of lines.entries()) {
          // A failed call (a policy refusing the line, a timeout) names the seed too, so it can be replayed.
          const got = await ctx
            .run(backend, session, line, { timeoutMs: ctx.ms(10_000) })
            .catch((e: unknown) => {
              const why = e instanceof Error ? e.message : String(e);
              throw new Error(`line ${i} (VTH_FUZZ_SEED=${seed}): ${JSON.stringify(line)}\n  ${why}`);
            });
          const expected = {
            status: 'completed',
            exitCode: Number(reference[2 * i + 1]),
            output: reference[2 * i],
          };
          const actual = { status: got.status, exitCode: got.exitCode, output: got.output };
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            mismatches.push(
              `line ${i} (VTH_FUZZ_SEED=${seed}): ${JSON.stringify(line)}\n` +
                `  bash -c: ${JSON.stringify(expected)}\n  backend: ${JSON.stringify(actual)}`,
            );
            if (mismatches.length === 3) break;
          }
        }
        expect(mismatches).toEqual([]);
      },
      ctx.ms(120_000),
    );
  });
}
