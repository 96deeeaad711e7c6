import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { SessionEnvironment } from './session-environment';

// The property behind moving a session: a fresh shell given the tracker's snapshot (its `env`, then its
// `script`) holds the same variables, exported or not, with the same values, as the shell the commands ran in
// — as bash itself reports them with `declare -p`. Commands come from a grammar of the statements the tracker
// follows, with values quoted every way a user writes them.

const NAMES = ['A', 'B', 'C', 'K'];
/** The creation env of every case: K starts exported; the others start unset. */
const CREATION_ENV = { K: 'start value' };
const BASE_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };

const name = fc.constantFrom(...NAMES);
const plainWord = fc.stringMatching(/^[a-z0-9_./:@%+,-]{1,8}$/);
const singleQuoted = fc
  .string({
    unit: fc.constantFrom('a', ' ', '$', '"', '\\', '*', '`', '!', '\t', 'é', '😀', ';', '#', '~'),
    maxLength: 8,
  })
  .map((s) => `'${s}'`);
const doubleQuotedPart = fc.oneof(
  fc.string({
    unit: fc.constantFrom('a', ' ', "'", '*', ';', 'é', '#', '~', '!'),
    minLength: 1,
    maxLength: 5,
  }),
  name.map((n) => `$${n}`),
  name.map((n) => `\${${n}}`),
  fc.constantFrom('\\$', '\\"', '\\\\'),
);
const doubleQuoted = fc.array(doubleQuotedPart, { maxLength: 4 }).map((parts) => `"${parts.join('')}"`);
const bareRef = name.map((n) => `\${${n}}`);
const value = fc
  .array(fc.oneof(plainWord, singleQuoted, doubleQuoted, bareRef), { minLength: 0, maxLength: 3 })
  .map((parts) => parts.join(''));

const statement = fc.oneof(
  fc.tuple(name, value).map(([n, v]) => `${n}=${v}`),
  fc.tuple(name, value).map(([n, v]) => `${n}+=${v}`),
  fc.tuple(name, value).map(([n, v]) => `export ${n}=${v}`),
  fc.tuple(name, value).map(([n, v]) => `declare -x ${n}=${v}`),
  name.map((n) => `export ${n}`),
  name.map((n) => `export -n ${n}`),
  name.map((n) => `declare +x ${n}`),
  name.map((n) => `unset ${n}`),
  fc.tuple(name, name).map(([a, b]) => `unset -v ${a} ${b}`),
);
/** One command line: a statement, or a few joined with `;` or `&&` (every statement here succeeds). */
const commandLine = fc
  .tuple(fc.array(statement, { minLength: 1, maxLength: 3 }), fc.constantFrom('; ', ' && '))
  .map(([statements, joiner]) => statements.join(joiner));

/**
 * `declare -p` of the names, as bash prints them (absent names print nothing). A line `declare -- NAME`
 * (declared, no value, not exported: what `export -n` leaves of a variable exported by name only) is
 * dropped: every expansion reads it as unset, and the tracker does not model that difference.
 */
function declared(script: string, env: Record<string, string>): string {
  const report = `declare -p ${NAMES.join(' ')} 2>/dev/null; exit 0`;
  const printed = execFileSync('bash', ['--norc', '--noprofile', '-c', `${script}\n${report}`], {
    env,
    encoding: 'utf8',
  });
  return printed.replace(/^declare -- [A-Z]+\n/gm, '');
}

describe('SessionEnvironment against real bash (property)', () => {
  it('a fresh shell given the snapshot declares exactly what the original shell declares', () => {
    fc.assert(
      fc.property(fc.array(commandLine, { minLength: 1, maxLength: 6 }), (lines) => {
        const original = declared(lines.join('\n'), { ...BASE_ENV, ...CREATION_ENV });
        const tracker = new SessionEnvironment(CREATION_ENV);
        for (const line of lines) tracker.observe(line, 'completed', 0);
        const snapshot = tracker.snapshot();
        // Everything in this grammar can be followed without running it.
        expect(snapshot.untracked).toEqual([]);
        const replayed = declared(snapshot.script ?? '', { ...BASE_ENV, ...snapshot.env });
        expect(replayed).toBe(original);
      }),
      { numRuns: 150 },
    );
  });
});
