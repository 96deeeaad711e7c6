import { type BackendResult } from '@vth/core';
import { parseInput } from '@vth/core/kit';
import { z } from 'zod';
import { analyseCommandLine, type AnalysedCommand, type CommandFlags } from './command-analysis';
import { type CommandPolicy, type PolicyDecision } from './command-policy';
import { compileGlob, globsIntersect, type Glob, type WordGlobs } from './path-glob';

const ruleName = z.string().regex(/^[\w.:-]{1,64}$/, 'must be 1-64 letters, digits, "_", ".", ":" or "-"');
const flag = z
  .string()
  .regex(/^-[^-\s]$|^--[^\s=]{1,64}$|^-[^-\s]{2,64}$/, 'must be a flag: "-r", "--recursive" or "-delete"');
const programPattern = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^/\s]+$/, 'must be a program name or glob (its basename: no "/")');
const patterns = z.array(z.string().min(1).max(4096)).min(1).max(256);

/**
 * One rule: every condition given must hold for a command the line runs (wrappers unwrapped, nested code
 * followed). Path patterns: `*` (within a directory), `?`, `**` (across directories).
 */
export const commandRuleSchema = z
  .strictObject({
    /** Names the rule in refusals and audit records. */
    name: ruleName,
    /** Why, for a person: `rm-root: <reason>`. */
    reason: z.string().min(1).max(512).optional(),
    /** What a match answers. Default `deny`. */
    action: z.enum(['deny', 'confirm']).default('deny'),
    /** Program basename(s), globs allowed (`mkfs.*`). Absent: any program, or none (`> /dev/sda`). */
    program: z.union([programPattern, z.array(programPattern).min(1).max(256)]).optional(),
    flags: z
      .strictObject({
        /** Each entry must be present; an entry that is a list is satisfied by any of its flags. */
        all: z
          .array(z.union([flag, z.array(flag).min(1).max(16)]))
          .min(1)
          .max(64)
          .optional(),
        /** At least one must be present. */
        any: z.array(flag).min(1).max(64).optional(),
        /** None may be present. */
        none: z.array(flag).min(1).max(64).optional(),
      })
      .optional(),
    args: z
      .strictObject({
        /** Each pattern must match some argument. */
        all: patterns.optional(),
        /** Some argument must match some pattern. */
        any: patterns.optional(),
        /** No argument may match any pattern. */
        none: patterns.optional(),
      })
      .optional(),
    /** A redirection writes to a path matching one of these (`> /dev/sda`). */
    writesTo: patterns.optional(),
    /** The command calls the function whose body it is in (a fork bomb recurses). */
    selfCall: z.literal(true).optional(),
  })
  .refine(
    (r) =>
      r.program !== undefined ||
      r.flags !== undefined ||
      r.args !== undefined ||
      r.writesTo !== undefined ||
      r.selfCall !== undefined,
    'a rule needs at least one condition: program, flags, args, writesTo or selfCall',
  );

/**
 * What {@link commandPolicy} takes, checked: at most 1000 rules, and the answer for commands the rules
 * cannot read.
 *
 * @example
 * ```ts
 * const options = commandPolicyOptionsSchema.parse({ rules: DANGEROUS_COMMANDS, unanalysable: 'deny' });
 * ```
 */
export const commandPolicyOptionsSchema = z.strictObject({
  /** Checked in order; a command matching none is allowed. */
  rules: z.array(commandRuleSchema).max(1000),
  /**
   * The answer when a rule may apply but the text cannot tell (a variable as the program or argument,
   * `eval "$x"`, `curl … | sh`, `source`, an alias definition). Default `confirm`.
   */
  unanalysable: z.enum(['confirm', 'deny']).default('confirm'),
});

/** A rule after parsing (`action` filled in). */
export type CommandRule = z.output<typeof commandRuleSchema>;
/** A rule as written (`action` optional, default `deny`): what {@link DANGEROUS_COMMANDS} holds. */
export type CommandRuleInput = z.input<typeof commandRuleSchema>;
/** The rules of a {@link commandPolicy}, and its answer for commands they cannot read. */
export interface CommandPolicyOptions {
  /** At most 1000; each must match {@link commandRuleSchema} (`INVALID_CONFIG` otherwise). */
  rules: readonly CommandRuleInput[];
  /** Default `confirm`. */
  unanalysable?: 'confirm' | 'deny';
}

/**
 * Validates command rules from a config file: `INVALID_CONFIG` naming every bad path.
 *
 * @example
 * ```ts
 * const parsed = parseCommandPolicyOptions(config.commands, 'config.commands');
 * if (!parsed.ok) return parsed;
 * const policy = commandPolicy(parsed.value);
 * ```
 */
export function parseCommandPolicyOptions(
  input: unknown,
  what = 'commandPolicy',
): BackendResult<z.output<typeof commandPolicyOptionsSchema>> {
  return parseInput(commandPolicyOptionsSchema, input, what, 'INVALID_CONFIG');
}

const NO = 0;
const MAYBE = 1;
const YES = 2;
type Tri = typeof NO | typeof MAYBE | typeof YES;

interface Compiled {
  rule: CommandRule;
  programs: Glob[] | null;
  args: { all?: Glob[]; any?: Glob[]; none?: Glob[] };
  writesTo: Glob[] | null;
}

/**
 * A policy from rules on parsed commands: the line is parsed like a shell would (quotes, escapes,
 * operators, subshells, substitutions, wrappers such as `sudo`/`env`/`xargs`, code in `sh -c '…'`), and
 * each command it runs is checked against every rule. A rule that matches answers its action; one that
 * may match but cannot be told (the program or an argument computed at run time, `eval "$x"`, a pipe into
 * `sh`, `source`) answers `unanalysable`. Rules are checked when the policy is built: invalid ones throw a
 * `BackendError` `INVALID_CONFIG` (rules from a file: {@link parseCommandPolicyOptions} first).
 *
 * A speed bump, not a sandbox: a script file, an encoded payload or another language get past any text
 * policy. Isolation needs the container backend.
 *
 * @example
 * ```ts
 * const policy = commandPolicy({
 *   rules: [...DANGEROUS_COMMANDS, { name: 'no-curl', program: 'curl', action: 'confirm' }],
 *   unanalysable: 'deny',
 * });
 * const backend = guardBackend(inner, { policy, confirm });
 * ```
 */
export function commandPolicy(options: CommandPolicyOptions): CommandPolicy {
  const parsed = parseCommandPolicyOptions(options);
  if (!parsed.ok) throw parsed.error;
  const { unanalysable } = parsed.value;
  const compiled = parsed.value.rules.map(compile);
  return ({ command }) => {
    if (compiled.length === 0) return 'allow';
    return judge(analyseCommandLine(command), compiled, unanalysable);
  };
}

function judge(
  commands: AnalysedCommand[],
  rules: Compiled[],
  unanalysable: 'confirm' | 'deny',
): PolicyDecision {
  let confirm: string | null = null;
  let unsure: { decision: 'confirm' | 'deny'; reason: string } | null = null;
  for (const command of commands) {
    for (const rule of rules) {
      const { tri, why } = matchRule(rule, command);
      if (tri === YES) {
        const reason = describe(rule.rule);
        if (rule.rule.action === 'deny') return { decision: 'deny', reason };
        confirm ??= reason;
      } else if (tri === MAYBE) {
        const decision = rule.rule.action === 'confirm' ? 'confirm' : unanalysable;
        if (!unsure || (decision === 'deny' && unsure.decision === 'confirm')) {
          const reason = command.opaque
            ? `cannot analyse the command: ${why}`
            : `cannot analyse the command for rule ${rule.rule.name}: ${why}`;
          unsure = { decision, reason };
        }
      }
    }
  }
  if (unsure?.decision === 'deny') return unsure;
  if (confirm !== null) return { decision: 'confirm', reason: confirm };
  return unsure ?? 'allow';
}

function describe(rule: CommandRule): string {
  return rule.reason === undefined ? rule.name : `${rule.name}: ${rule.reason}`;
}

function compile(rule: CommandRule): Compiled {
  const programs = rule.program === undefined ? null : [rule.program].flat().map(compileGlob);
  const list = (p: string[] | undefined) => (p ? p.map(compileGlob) : undefined);
  return {
    rule,
    programs,
    args: {
      ...(rule.args?.all ? { all: list(rule.args.all)! } : {}),
      ...(rule.args?.any ? { any: list(rule.args.any)! } : {}),
      ...(rule.args?.none ? { none: list(rule.args.none)! } : {}),
    },
    writesTo: rule.writesTo ? rule.writesTo.map(compileGlob) : null,
  };
}

/** Three-valued: does the rule match the command (`YES`), not (`NO`), or cannot the text tell (`MAYBE`)? */
function matchRule(compiled: Compiled, command: AnalysedCommand): { tri: Tri; why: string } {
  if (command.opaque) return { tri: MAYBE, why: command.opaque };
  const { rule } = compiled;
  let tri: Tri = YES;
  let why = '';
  const and = (t: Tri, reason: string): boolean => {
    if (t === NO) {
      tri = NO;
      return false;
    }
    if (t === MAYBE && tri === YES) {
      tri = MAYBE;
      why = reason;
    }
    return true;
  };
  const programWhy = `the program is computed at run time (${command.programUnknown ?? 'unknown'})`;
  if (compiled.programs) {
    const t: Tri =
      command.program === null
        ? command.programUnknown
          ? MAYBE
          : NO
        : compiled.programs.some((p) => globsIntersect(command.program!, p))
          ? YES
          : NO;
    if (!and(t, programWhy)) return { tri, why };
  }
  if (rule.selfCall) {
    const fn = command.inFunction;
    const t: Tri =
      fn === undefined
        ? NO
        : command.program === null
          ? command.programUnknown
            ? MAYBE
            : NO
          : !isName(command.program, fn)
            ? NO
            : command.inFunctionRedefined
              ? MAYBE
              : YES;
    const selfWhy =
      t === MAYBE && command.program !== null
        ? 'the function redefines itself before this call, which may reach either definition'
        : programWhy;
    if (!and(t, selfWhy)) return { tri, why };
  }
  const flags = rule.flags;
  if (flags) {
    const flagWhy = `a flag is computed at run time (${command.flags.unknown ?? ''})`;
    const has = (f: string): Tri => (hasFlag(command.flags, f) ? YES : command.flags.unknown ? MAYBE : NO);
    for (const group of flags.all ?? []) {
      const alternatives = [group].flat();
      if (!and(maxTri(alternatives.map(has)), flagWhy)) return { tri, why };
    }
    if (flags.any && !and(maxTri(flags.any.map(has)), flagWhy)) return { tri, why };
    if (flags.none && !and(notTri(maxTri(flags.none.map(has))), flagWhy)) return { tri, why };
  }
  const argWhy = command.extraArgs ?? `an argument is computed at run time (${firstUnknown(command.args)})`;
  const { all, any, none } = compiled.args;
  for (const pattern of all ?? []) {
    if (!and(anyMatch(command.args, [pattern], command.extraArgs), argWhy)) return { tri, why };
  }
  if (any && !and(anyMatch(command.args, any, command.extraArgs), argWhy)) return { tri, why };
  if (none && !and(notTri(anyMatch(command.args, none, command.extraArgs)), argWhy)) return { tri, why };
  if (compiled.writesTo) {
    const writeWhy = `a redirection target is computed at run time (${firstUnknown(command.writes)})`;
    if (!and(anyMatch(command.writes, compiled.writesTo, null), writeWhy)) return { tri, why };
  }
  return { tri, why };
}

/** The best match of any word against any pattern; extra unseen arguments may match anything. */
function anyMatch(words: WordGlobs[], patterns: Glob[], extra: string | null): Tri {
  let best: Tri = extra ? MAYBE : NO;
  for (const word of words) {
    for (const glob of word.globs) {
      if (!patterns.some((p) => globsIntersect(glob, p))) continue;
      if (!word.unknown) return YES;
      best = MAYBE;
    }
  }
  return best;
}

function hasFlag(flags: CommandFlags, wanted: string): boolean {
  // GNU getopt takes any unambiguous prefix of a long option: `--rec` is `--recursive`.
  if (wanted.startsWith('--')) return flags.long.some((l) => l !== '' && wanted.slice(2).startsWith(l));
  if (wanted.length === 2) return flags.short.has(wanted[1]!);
  return flags.words.has(wanted);
}

function isName(glob: Glob, name: string): boolean {
  return glob.length === name.length && glob.every((t, i) => t === name[i]);
}

function maxTri(values: Tri[]): Tri {
  return values.reduce<Tri>((a, b) => (b > a ? b : a), NO);
}

function notTri(t: Tri): Tri {
  return t === YES ? NO : t === NO ? YES : MAYBE;
}

function firstUnknown(words: WordGlobs[]): string {
  return words.find((w) => w.unknown)?.unknown ?? 'unknown';
}
