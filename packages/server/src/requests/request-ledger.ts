import { fail, type BackendResult } from '@vth/core';

/** What a retry must match: the same operation with the same parameters. */
export interface LedgerKey {
  /** Who asked (from the token): one user's request ids never answer another's. */
  userId: string;
  /** What it acts on: a session id, or '' for calls without one. */
  scope: string;
  /** The id the client chose (`Idempotency-Key` over HTTP). */
  requestId: string;
  /** The operation and its parameters, canonically: a retry with other parameters is refused. */
  fingerprint: string;
}

interface Entry {
  fingerprint: string;
  result: Promise<BackendResult<unknown>>;
  /** Told about streamed output of a call still running, so a retry can follow it. */
  followers: Set<(chunk: string) => void>;
}

/**
 * Remembers the recent mutating requests of each user and scope (a session), so a client that retries
 * after a dropped connection gets the first answer — also while the first call is still running — and the
 * call never runs twice. Each scope keeps its `perScope` most recent requests (an LRU); at most `maxScopes`
 * scopes are kept, the least recently used forgotten first, so the ledger's memory is bounded whatever
 * clients send.
 *
 * @example
 * ```ts
 * const ledger = new RequestLedger({ perScope: 64 });
 * const result = await ledger.run(key, () => backend.executeCommand(id, 'make'));
 * ```
 */
export class RequestLedger {
  private readonly scopes = new Map<string, Map<string, Entry>>();
  private readonly perScope: number;
  private readonly maxScopes: number;

  constructor(options: { perScope?: number; maxScopes?: number } = {}) {
    this.perScope = options.perScope ?? 64;
    this.maxScopes = options.maxScopes ?? 10_000;
  }

  /**
   * Runs `call` once per key: a repeat gets the first call's result (awaiting it if it still runs), and
   * its `onOutput` follows the rest of the first call's streamed output. A repeat with another fingerprint
   * is `INVALID_INPUT` and runs nothing.
   */
  run<T>(
    key: LedgerKey,
    call: (onOutput: (chunk: string) => void) => Promise<BackendResult<T>>,
    onOutput?: (chunk: string) => void,
  ): { result: Promise<BackendResult<T>>; replayed: boolean } {
    const scopeKey = `${key.userId}\u0000${key.scope}`;
    let scope = this.scopes.get(scopeKey);
    if (scope) {
      this.scopes.delete(scopeKey);
      this.scopes.set(scopeKey, scope);
      const seen = scope.get(key.requestId);
      if (seen) {
        scope.delete(key.requestId);
        scope.set(key.requestId, seen);
        if (seen.fingerprint !== key.fingerprint) {
          return {
            result: Promise.resolve(
              fail('INVALID_INPUT', `requestId "${key.requestId}" was already used for a different request`, {
                dispatched: false,
                details: { requestId: key.requestId },
              }),
            ),
            replayed: true,
          };
        }
        if (onOutput) {
          seen.followers.add(onOutput);
          void seen.result.finally(() => seen.followers.delete(onOutput));
        }
        return { result: seen.result as Promise<BackendResult<T>>, replayed: true };
      }
    } else {
      scope = new Map();
      this.scopes.set(scopeKey, scope);
      if (this.scopes.size > this.maxScopes) this.scopes.delete(this.scopes.keys().next().value!);
    }
    const followers = new Set<(chunk: string) => void>();
    if (onOutput) followers.add(onOutput);
    const tell = (chunk: string): void => {
      for (const f of followers) f(chunk);
    };
    const result = call(tell).then(
      (r) => {
        followers.clear();
        return r;
      },
      (e: unknown) => {
        followers.clear();
        return fail<T>('INTERNAL', `the call failed: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
    scope.set(key.requestId, { fingerprint: key.fingerprint, result, followers });
    if (scope.size > this.perScope) scope.delete(scope.keys().next().value!);
    return { result, replayed: false };
  }
}

/** A stable text of parameters: keys sorted, so `{a, b}` and `{b, a}` match. */
export function fingerprint(op: string, params: unknown): string {
  return `${op}:${JSON.stringify(params, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  )}`;
}
