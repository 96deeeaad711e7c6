/**
 * Random bash command lines from a small grammar of shell constructs (quoting of every kind, pipes, lists,
 * groups, subshells, conditionals, loops, `case`, functions, arithmetic, command substitution,
 * here-strings, stderr), for comparing a backend with `bash -c` run directly. Every line is self-contained
 * so that a persistent session and a fresh `bash -c` agree: a variable or function is set and used in one
 * group (`{ v=x; echo "$v"; }`, so a list cannot skip the setting and keep the use), nothing reads the
 * terminal, no glob is left unquoted, no `cd`, `exit` or `set`, and bash itself prints no error (its
 * messages name the line differently in `bash -c`).
 */

/** A seeded generator (mulberry32): the same seed gives the same lines, so a failure can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

/** Characters a word may hold once quoted: shell syntax, glob characters, tabs, non-ASCII. */
const WORD_CHARS = [...'abcxyz019_.-+=,:@%^/', ...' "\'\\$!*?[]{}~#&|;<>()`', '\t', 'é', '日本', '😀'];
const PLAIN_CHARS = [...'abcdefxyz0123456789_.-+,:@%^/'];

function text(rng: Rng, chars: readonly string[], maxLength: number): string {
  let s = '';
  for (let i = int(rng, 0, maxLength); i > 0; i--) s += pick(rng, chars);
  return s;
}

/** One shell word that expands to `value` exactly, in one of bash's quoting styles. */
function quote(rng: Rng, value: string): string {
  switch (int(rng, 0, 3)) {
    case 0:
      return `'${value.replace(/'/g, `'\\''`)}'`;
    case 1:
      return `"${value.replace(/["\\$`!]/g, (c) => (c === '!' ? `"'!'"` : `\\${c}`))}"`;
    case 2:
      return `$'${[...value]
        .map((c) =>
          c === "'" || c === '\\'
            ? `\\${c}`
            : c === '\t'
              ? '\\t'
              : c.charCodeAt(0) < 0x20
                ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
                : c,
        )
        .join('')}'`;
    default:
      return value === '' ? "''" : [...value].map((c) => (PLAIN_CHARS.includes(c) ? c : `\\${c}`)).join('');
  }
}

const word = (rng: Rng) => quote(rng, text(rng, WORD_CHARS, 8));

/** A command that prints something (or not) and ends with some status, reading nothing. */
function simple(rng: Rng, depth: number): string {
  const words = () => Array.from({ length: int(rng, 0, 3) }, () => word(rng)).join(' ');
  const n = int(rng, 0, 5);
  switch (int(rng, 0, 13)) {
    case 0:
      return `echo ${words()}`;
    case 1:
      return `echo -n ${words()}`;
    case 2:
      return `printf ${quote(rng, pick(rng, ['%s\\n', '[%5s]', '<%-3s>\\t', '%s|%s\\n', '%%%s']))} ${words()}`;
    case 3:
      return pick(rng, ['true', 'false', ':', `(exit ${int(rng, 0, 255)})`]);
    case 4:
      return `echo $(( ${int(rng, -50, 50)} ${pick(rng, ['+', '-', '*', '/', '%', '<<', '&', '^'])} ${int(rng, 1, 9)} ))`;
    case 5:
      return depth > 0 ? `echo "[$( ${command(rng, depth - 1)} )]"` : `echo ${n}`;
    case 6:
      return `tr a-z A-Z <<< ${word(rng)}`;
    case 7:
      return `seq ${n} ${n + int(rng, 0, 20)}`;
    case 8:
      return `echo ${word(rng)} >&2`;
    case 9:
      return `printf '%s\\n' "\${vth_fuzz_unset_${n}:-${text(rng, PLAIN_CHARS, 4)}}"`;
    case 10:
      return `{ v${n}=${word(rng)}; printf '<%s>\\n' "$v${n}" "\${#v${n}}"; }`;
    case 11:
      return `{ i=0; while [ $i -lt ${n} ]; do printf '%d,' "$i"; i=$((i + 1)); done; echo; }`;
    case 12:
      return `wc -c <<< ${word(rng)}`;
    default:
      return `printf '%s\\n' ${words()} | sort`;
  }
}

/** A command line: simple commands combined by lists, pipes, groups and compound commands. */
export function command(rng: Rng, depth = 2): string {
  if (depth === 0) return simple(rng, 0);
  const a = () => command(rng, depth - 1);
  switch (int(rng, 0, 10)) {
    case 0:
      return `${a()}; ${a()}`;
    case 1:
      return `${a()} && ${a()}`;
    case 2:
      return `${a()} || ${a()}`;
    case 3:
      // Stderr joins the pipe: written past it, it would race the filtered stdout to the terminal.
      return `{ ${a()}; } 2>&1 | ${pick(rng, ['cat', 'wc -l', 'head -n 2', 'tr -d 0-9', 'sort -r', 'od -An -c | head -n 3'])}`;
    case 4:
      return `{ ${a()}; ${a()}; }`;
    case 5:
      return `( ${a()} )`;
    case 6:
      return `if ${a()}; then ${a()}; else ${a()}; fi`;
    case 7:
      return `for w in ${word(rng)} ${word(rng)}; do printf '[%s]' "$w"; ${a()}; done`;
    case 8: {
      const value = text(rng, PLAIN_CHARS, 3);
      return `case ${quote(rng, value)} in ${quote(rng, text(rng, PLAIN_CHARS, 2))}*) ${a()};; *) ${a()};; esac`;
    }
    case 9:
      return `{ vth_fuzz_fn() { ${a()}; return ${int(rng, 0, 3)}; }; vth_fuzz_fn; }`;
    default:
      return simple(rng, depth);
  }
}
