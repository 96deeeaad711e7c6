import { type ExecutionContext } from '@vth/core';
import { messageOf } from './error-message';

/**
 * What a policy says of a command: run it, refuse it (`FORBIDDEN`), or run it only if the confirm handler
 * says `true` (refused without one).
 */
export type PolicyVerdict = 'allow' | 'deny' | 'confirm';

/** A policy's answer: a verdict, or a verdict with a reason a person can read (it is audited). */
export type PolicyDecision =
  | PolicyVerdict
  | {
      /** Anything but `allow`, `deny` or `confirm` refuses the command: a policy fails closed. */
      decision: PolicyVerdict;
      /** Shown in the `FORBIDDEN` message, the audit record and the confirm question. */
      reason?: string;
    };

/** What a policy gets to judge. */
export interface PolicyRequest {
  /** The command text, or for `kind: 'input'` the text about to be typed into the terminal. */
  command: string;
  /** The session it would run in. */
  sessionId: string;
  /** The pane, when the call named one. */
  paneId?: string;
  /** The caller's context: `userId`, `source` and `requestId` say who asks and from where. */
  context: ExecutionContext;
  /** The backend instance that would run it, for a policy shared by several. */
  backendId: string;
  /**
   * `'command'` for `executeCommand`/`executeBatch`; `'input'` for `sendInput`, which an idle shell would
   * run as a command too.
   */
  kind: 'command' | 'input';
}

/**
 * Decides, before dispatch, whether a command may run. Throwing or rejecting counts as `deny`.
 *
 * @example
 * ```ts
 * const policy: CommandPolicy = ({ command, context }) =>
 *   context.source === 'voice' && /\bsudo\b/.test(command)
 *     ? { decision: 'confirm', reason: 'sudo from a voice command' }
 *     : 'allow';
 * ```
 */
export type CommandPolicy = (request: PolicyRequest) => PolicyDecision | Promise<PolicyDecision>;

/**
 * Asked when a policy answers `confirm` (a dialog, a chat message, a second factor): `true` runs the
 * command, anything else refuses it.
 *
 * @example
 * ```ts
 * const confirm: ConfirmHandler = (request, reason) => ui.ask(`Run "${request.command}"? (${reason})`);
 * ```
 */
export type ConfirmHandler = (request: PolicyRequest, reason: string) => boolean | Promise<boolean>;

/** What {@link evaluatePolicy} concluded: allowed, or refused with the verdict that refused it and why. */
export type PolicyOutcome =
  | {
      /** The command may run (the policy allowed it, or the confirm handler said `true`). */
      allowed: true;
    }
  | {
      /** Refused: answer `FORBIDDEN`, undispatched. */
      allowed: false;
      /** `deny`, or `confirm` that was not confirmed (no handler, `false`, or a handler that failed). */
      decision: 'deny' | 'confirm';
      /** For the error message and the audit record; never empty. */
      reason: string;
    };

const ALLOWED: PolicyOutcome = Object.freeze({ allowed: true });

/**
 * Runs a policy and, for `confirm`, the confirm handler. Fails closed: a hook that throws, rejects or
 * answers something that is not a decision refuses the command, with the error in the reason.
 *
 * @example
 * ```ts
 * const outcome = await evaluatePolicy(policy, request, confirm);
 * if (!outcome.allowed) return fail('FORBIDDEN', `command refused by policy: ${outcome.reason}`);
 * ```
 */
export async function evaluatePolicy(
  policy: CommandPolicy,
  request: PolicyRequest,
  confirm?: ConfirmHandler,
): Promise<PolicyOutcome> {
  let answer: unknown;
  try {
    answer = await policy(request);
  } catch (e) {
    return { allowed: false, decision: 'deny', reason: `the policy failed: ${messageOf(e)}` };
  }
  const decision = normalize(answer);
  if (!decision) {
    return {
      allowed: false,
      decision: 'deny',
      reason: `the policy answered ${describe(answer)}, which is not "allow", "deny" or "confirm"`,
    };
  }
  if (decision.verdict === 'allow') return ALLOWED;
  if (decision.verdict === 'deny') {
    return { allowed: false, decision: 'deny', reason: decision.reason ?? 'no reason given' };
  }
  const why = decision.reason ?? 'the policy asks for confirmation';
  if (!confirm) {
    return {
      allowed: false,
      decision: 'confirm',
      reason: `confirmation required (${why}) but no confirm handler is configured`,
    };
  }
  try {
    // Only a real `true` confirms: a handler that returns a truthy string by mistake must not run `rm`.
    if ((await confirm(request, why)) === true) return ALLOWED;
    return { allowed: false, decision: 'confirm', reason: `not confirmed (${why})` };
  } catch (e) {
    return {
      allowed: false,
      decision: 'confirm',
      reason: `the confirm handler failed (${why}): ${messageOf(e)}`,
    };
  }
}

/**
 * A policy that denies commands matching any of the patterns and allows the rest. A guard-rail against
 * mistakes, not a sandbox: `r''m -rf /` or `base64 -d | sh` pass any pattern; isolation needs a container.
 *
 * @example
 * ```ts
 * const policy = denyPatterns([/\brm\s+-rf\s+\/(\s|$)/, /\bmkfs\b/], 'destructive command');
 * ```
 */
export function denyPatterns(patterns: readonly RegExp[], reason?: string): CommandPolicy {
  // A /g or /y RegExp remembers lastIndex between test() calls and would skip every other match.
  const compiled = patterns.map((p) => new RegExp(p.source, p.flags.replace(/[gy]/g, '')));
  return ({ command }) => {
    for (let i = 0; i < compiled.length; i++) {
      if (compiled[i]!.test(command)) {
        return { decision: 'deny', reason: reason ?? `the command matches ${String(patterns[i])}` };
      }
    }
    return 'allow';
  };
}

/**
 * A policy whose answers are at least as strict as `verdict`: the stricter of the two wins (deny, then
 * confirm, then allow), and two refusals of the same kind give both reasons.
 *
 * @example
 * ```ts
 * const careful = withVerdict(policy, { decision: 'confirm', reason: 'typed with arrow keys' });
 * ```
 */
export function withVerdict(
  policy: CommandPolicy,
  verdict: { decision: 'confirm' | 'deny'; reason: string },
): CommandPolicy {
  return async (request) => strictest(await policy(request), verdict);
}

/**
 * One policy from several: each is asked, the strictest answer wins (deny, then confirm, then allow), and
 * the reasons of equally strict answers are joined. A policy that throws or answers garbage refuses, as
 * always.
 *
 * @example
 * ```ts
 * const policy = combinePolicies(commandPolicy({ rules: DANGEROUS_COMMANDS }), voiceNeedsConfirmation);
 * ```
 */
export function combinePolicies(...policies: readonly CommandPolicy[]): CommandPolicy {
  return async (request) => {
    let answer: unknown = 'allow';
    for (const policy of policies) answer = strictest(answer, await policy(request));
    return answer as PolicyDecision;
  };
}

const RANK: Record<PolicyVerdict, number> = { allow: 0, confirm: 1, deny: 2 };

/** The stricter of two answers; an answer that is not a decision is kept, so it is refused later. */
function strictest(a: unknown, b: unknown): PolicyDecision {
  const x = normalize(a);
  const y = normalize(b);
  if (!x) return a as PolicyDecision;
  if (!y) return b as PolicyDecision;
  if (RANK[x.verdict] !== RANK[y.verdict]) return decisionOf(RANK[x.verdict] > RANK[y.verdict] ? x : y);
  if (x.verdict === 'allow') return 'allow';
  const reasons = [x.reason, y.reason].filter((r): r is string => r !== undefined);
  return reasons.length > 0 ? { decision: x.verdict, reason: reasons.join('; ') } : x.verdict;
}

function decisionOf(d: { verdict: PolicyVerdict; reason?: string }): PolicyDecision {
  return d.reason === undefined ? d.verdict : { decision: d.verdict, reason: d.reason };
}

function normalize(answer: unknown): { verdict: PolicyVerdict; reason?: string } | null {
  if (isVerdict(answer)) return { verdict: answer };
  if (typeof answer === 'object' && answer !== null) {
    const { decision, reason } = answer as { decision?: unknown; reason?: unknown };
    if (isVerdict(decision)) {
      return typeof reason === 'string' && reason !== ''
        ? { verdict: decision, reason }
        : { verdict: decision };
    }
  }
  return null;
}

function isVerdict(value: unknown): value is PolicyVerdict {
  return value === 'allow' || value === 'deny' || value === 'confirm';
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? messageOf(value);
  } catch {
    return messageOf(value);
  }
}
