import { InvalidArgumentError } from 'commander';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** setTimeout's limit: a longer delay fires at once. */
const MAX_MS = 2_147_483_647;

/**
 * A duration option's value in milliseconds: `1500` (plain milliseconds), `1500ms`, `30s`, `2m`, `1h`,
 * `1.5s`. Commander turns the error into a usage error (exit 2) naming the option.
 *
 * @example
 * ```ts
 * program.option('--timeout <duration>', 'time limit', duration); // --timeout 30s -> 30000
 * ```
 */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = match ? Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!) : Number.NaN;
  if (!(ms > 0) || ms > MAX_MS) {
    throw new InvalidArgumentError('must be a positive duration: 1500 (milliseconds), 1500ms, 30s, 2m or 1h');
  }
  return ms;
}

/**
 * Collects repeated `--env KEY=VALUE` options into one environment; the value may be empty or hold `=`.
 * A bad name (or no `=`) is a usage error.
 *
 * @example
 * ```ts
 * program.option('--env <KEY=VALUE>', 'set a variable (repeatable)', envEntry, {}); // --env A=1 --env B=2
 * ```
 */
export function envEntry(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  const name = at < 0 ? value : value.slice(0, at);
  if (at < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new InvalidArgumentError(
      'must be KEY=VALUE, KEY made of letters, digits and "_", not starting with a digit',
    );
  }
  if (value.includes('\0')) throw new InvalidArgumentError('must not contain NUL bytes');
  return { ...previous, [name]: value.slice(at + 1) };
}

/** A TCP port, 0 for any free one. */
export function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65_535)
    throw new InvalidArgumentError('must be a port number (0-65535)');
  return Number(value);
}
