import { type ShellWord } from './shell-words';

/** Any run of characters within one path component (`*`). */
export const STAR = 0;
/** One character, not `/` (`?`, `[…]`). */
export const ANY = 1;
/** Any run of characters, `/` included (`**` in a rule; an expansion in a word). */
export const DEEP = 2;

/** A path pattern: single literal characters and wildcards. */
export type Glob = (string | typeof STAR | typeof ANY | typeof DEEP)[];

/** What a word may stand for when it runs: its alternatives (brace expansion), and whether any part is unknown. */
export interface WordGlobs {
  globs: Glob[];
  /** Why part of it is only known at run time (`'a variable'`…), or `null`. */
  unknown: string | null;
}

/** Alternatives a brace expansion may produce before the word is treated as unknown. */
const MAX_ALTERNATIVES = 64;
/** Brace groups in one word followed at most. */
const MAX_BRACE_GROUPS = 8;
/** Longer words are not compared character by character (no path is this long). */
const MAX_TOKENS = 8192;

const UNKNOWN_WHY: Record<string, string> = {
  variable: 'a variable',
  'command substitution': 'a command substitution',
  arithmetic: 'an arithmetic expansion',
  'process substitution': 'a process substitution',
};

/**
 * Compiles a rule's path pattern: `*` (within a component), `?`, `**` (across components), `\x` a literal
 * `x`; everything else literal.
 */
export function compileGlob(pattern: string): Glob {
  const out: Glob = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) out.push(pattern[++i]!);
    else if (c === '*' && pattern[i + 1] === '*') {
      out.push(DEEP);
      i++;
    } else if (c === '*') out.push(STAR);
    else if (c === '?') out.push(ANY);
    else out.push(c);
  }
  return out;
}

/**
 * What a shell word can be when the shell runs it, as path patterns: unquoted `*`, `?`, `[…]` are
 * wildcards, braces expand, expansions are `DEEP`. Paths are normalised (`//`, `/.`, `/x/..`, a trailing
 * `/`); relative ones are resolved against `cwd` when it is known (`null`: a directory the guard cannot
 * know; `undefined`: left relative).
 */
export function wordGlobs(word: ShellWord, cwd?: string | null): WordGlobs {
  let unknown: string | null = null;
  let length = 0;
  for (const part of word.parts) length += part.kind === 'text' ? part.text.length : 1;
  if (length > MAX_TOKENS) return { globs: [[DEEP]], unknown: 'an argument too long to check' };
  let alternatives: Glob[] = [[]];
  for (const part of word.parts) {
    if (part.kind === 'unknown') {
      unknown ??= UNKNOWN_WHY[part.source] ?? 'an expansion';
      for (const glob of alternatives) glob.push(DEEP);
      continue;
    }
    const pieces = part.quoted ? [part.text] : expandBraces(part.text);
    if (!pieces) return { globs: [[DEEP]], unknown: unknown ?? 'a brace expansion too large to follow' };
    const next: Glob[] = [];
    for (const glob of alternatives) {
      for (const piece of pieces) next.push([...glob, ...tokens(piece, part.quoted)]);
    }
    if (next.length > MAX_ALTERNATIVES)
      return { globs: [[DEEP]], unknown: unknown ?? 'a brace expansion too large to follow' };
    alternatives = next;
  }
  const relative = alternatives.some((g) => isRelative(g));
  if (cwd === null && relative) unknown ??= 'a working directory computed at run time';
  return { globs: alternatives.map((g) => normalise(resolve(g, cwd))), unknown };
}

/** Can some path match both patterns? (A word that globs or expands is compared as the set it can be.) */
export function globsIntersect(a: Glob, b: Glob): boolean {
  if (!edgesAgree(a, b)) return false;
  const n = a.length;
  const m = b.length;
  // Words are cut to MAX_TOKENS by wordGlobs; a pattern this long cannot come from a validated rule.
  if (n > MAX_TOKENS || m > MAX_TOKENS) return true;
  const seen = new Uint8Array((n + 1) * (m + 1));
  const stack: number[] = [0];
  seen[0] = 1;
  const visit = (i: number, j: number) => {
    const k = i * (m + 1) + j;
    if (!seen[k]) {
      seen[k] = 1;
      stack.push(k);
    }
  };
  while (stack.length > 0) {
    const k = stack.pop()!;
    const i = Math.floor(k / (m + 1));
    const j = k % (m + 1);
    if (i === n && j === m) return true;
    const x = a[i];
    const y = b[j];
    // A run wildcard may match nothing.
    if (x === STAR || x === DEEP) visit(i + 1, j);
    if (y === STAR || y === DEEP) visit(i, j + 1);
    if (x === undefined || y === undefined) continue;
    const xRun = x === STAR || x === DEEP;
    const yRun = y === STAR || y === DEEP;
    if (xRun && yRun) continue; // both could eat the same characters forever: nothing gained
    if (xRun) {
      // The run eats the character the other side consumes.
      if (typeof y === 'string' ? y !== '/' || x === DEEP : true) visit(i, j + 1);
    } else if (yRun) {
      if (typeof x === 'string' ? x !== '/' || y === DEEP : true) visit(i + 1, j);
    } else if (typeof x === 'string' && typeof y === 'string') {
      if (x === y) visit(i + 1, j + 1);
    } else {
      // ANY against a literal or ANY: any character but `/`.
      const literal = typeof x === 'string' ? x : typeof y === 'string' ? y : null;
      if (literal !== '/') visit(i + 1, j + 1);
    }
  }
  return false;
}

/**
 * Cheap test first: the literal characters before the first wildcard of either side, and after the last,
 * must agree. Most comparisons (`ls` against `rm`) end here, without the table below.
 */
function edgesAgree(a: Glob, b: Glob): boolean {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x !== 'string' || typeof y !== 'string') break;
    if (x !== y) return false;
  }
  for (let i = a.length - 1, j = b.length - 1; i >= 0 && j >= 0; i--, j--) {
    const x = a[i];
    const y = b[j];
    if (typeof x !== 'string' || typeof y !== 'string') break;
    if (x !== y) return false;
  }
  const literal = (g: Glob) => g.every((t) => typeof t === 'string');
  return !(literal(a) && literal(b) && a.length !== b.length);
}

/** The last path component of a glob (a program word's basename). */
export function basenameGlob(glob: Glob): Glob {
  const slash = glob.lastIndexOf('/');
  return slash < 0 ? glob : glob.slice(slash + 1);
}

function tokens(text: string, quoted: boolean): Glob {
  const out: Glob = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) out.push(c);
    else if (c === '*' && (out[out.length - 1] === STAR || out[out.length - 1] === DEEP)) {
      // `**` crosses directories under `shopt -s globstar`; more stars are the same.
      out[out.length - 1] = DEEP;
    } else if (c === '*') out.push(STAR);
    else if (c === '?') out.push(ANY);
    else if (c === '[' && text.indexOf(']', i + 2) > i) {
      out.push(ANY);
      i = text.indexOf(']', i + 2);
    } else out.push(c);
  }
  return out;
}

/** `a{b,c}d` → `abd`, `acd` (nested braces too); `null` when it would make too many words. */
function expandBraces(text: string): string[] | null {
  if (!text.includes('{')) return [text];
  // Six brace groups of two already make 64 words: more groups are not followed (and not recursed into).
  if (text.split('{').length > MAX_BRACE_GROUPS + 1) return null;
  const open = findBrace(text);
  if (!open) return [text];
  const { start, end, options } = open;
  const out: string[] = [];
  for (const option of options) {
    const rest = expandBraces(text.slice(0, start) + option + text.slice(end + 1));
    if (!rest) return null;
    out.push(...rest);
    if (out.length > MAX_ALTERNATIVES) return null;
  }
  return out;
}

/** The first `{…,…}` with a comma at its own depth. */
function findBrace(text: string): { start: number; end: number; options: string[] } | null {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    const commas: number[] = [];
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        if (commas.length === 0) break;
        const bounds = [start, ...commas, i];
        const options = bounds.slice(1).map((b, k) => text.slice(bounds[k]! + 1, b));
        return { start, end: i, options };
      } else if (c === ',' && depth === 1) commas.push(i);
    }
  }
  return null;
}

function isRelative(glob: Glob): boolean {
  const first = glob[0];
  return glob.length > 0 && first !== '/' && first !== '~' && first !== DEEP;
}

/** A relative path under a known directory; under an unknown one, anything. */
function resolve(glob: Glob, cwd: string | null | undefined): Glob {
  if (cwd === undefined || !isRelative(glob)) return glob;
  if (cwd === null) return [DEEP, '/', ...glob];
  return [...cwd, '/', ...glob];
}

/** `//` → `/`, `/./` → `/`, `/x/..` → `/` (literal components only), no trailing `/` but the root's. */
function normalise(glob: Glob): Glob {
  const out: Glob = [];
  for (let i = 0; i < glob.length; i++) {
    const t = glob[i];
    if (t === '/' && out[out.length - 1] === '/') continue;
    out.push(t!);
    // A `.` component: drop `/.`.
    if (t === '.' && out[out.length - 2] === '/' && (glob[i + 1] === '/' || i + 1 === glob.length)) {
      out.length -= out.length > 2 ? 2 : 1;
      continue;
    }
    // A `..` component after a literal component: drop both.
    if (
      t === '.' &&
      out[out.length - 2] === '.' &&
      out[out.length - 3] === '/' &&
      (glob[i + 1] === '/' || i + 1 === glob.length)
    ) {
      out.length -= 3;
      let k = out.length - 1;
      while (k >= 0 && typeof out[k] === 'string' && out[k] !== '/') k--;
      if (k >= 0 && out[k] === '/' && out.slice(k + 1).every((x) => typeof x === 'string')) out.length = k;
      if (out.length === 0) out.push('/');
    }
  }
  while (out.length > 1 && out[out.length - 1] === '/') out.pop();
  return out;
}
