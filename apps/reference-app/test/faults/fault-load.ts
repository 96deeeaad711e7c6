import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type CreateSessionOptions, type ExecutionContext } from '@vth/core';
import { type BackendManager } from '@vth/manager';
import { expectOk } from '@vth/testkit';

/** Where a command's one-line "I ran" record goes, so a command run twice is seen. */
export type LedgerKind =
  /** A file on this machine (every shell that can reach the test's directory: node-pty, tmux, remote here). */
  | 'file'
  /** `L:<token>` printed first, counted in the manager's `output` events (a container cannot reach the file). */
  | 'output';

export interface FaultLoadOptions {
  manager: BackendManager;
  /** A directory of the test's: the ledger and each session's working directory live under it. */
  dir: string;
  sessions: number;
  ledger?: LedgerKind;
  /** A session's working directory; default `<dir>/s<i>`, which every host backend sees. */
  workDir?: (index: number) => string;
  /** Slept in each command between its ledger line and its answer: a command is in flight when the fault comes. */
  pause?: string;
  /** The context of each load command (a short `timeoutMs` for a stopped pane, say). */
  context?: ExecutionContext;
  createOptions?: (index: number) => CreateSessionOptions;
}

/** One session of the load: its id, and what its commands must print. */
export interface LoadSession {
  index: number;
  id: string;
  /** The shell's pid, as `$$` printed in it (inside a container: the container's pid namespace). */
  shellPid: number;
  workDir: string;
  /** Set by a command (tracked by the manager), so it must follow a moved session. */
  mark: string;
}

/** How one command of the load ended. */
export interface CommandRecord {
  session: number;
  token: string;
  /** `performance.now()` when it was sent and when it answered. */
  sentAt: number;
  endedAt: number;
  /**
   * `completed`: exactly its output, exit 0. `ended`: a result whose status says it did not finish
   * (timed out, interrupted, lost). `failed`: a `BackendError`. `wrong`: completed with the wrong output.
   */
  kind: 'completed' | 'ended' | 'failed' | 'wrong';
  code?: string;
  dispatched?: boolean;
  detail?: string;
}

/** What the load saw, checked against the ledger. */
export interface LoadReport {
  records: CommandRecord[];
  /** `"<code> dispatched|undispatched"` → count. */
  errors: Record<string, number>;
  /** Commands that ran more than once (ledger). */
  twice: string[];
  /** Silent loss: completed with the wrong output, or completed but not in the ledger exactly once. */
  lost: string[];
  /** Failed with `dispatched: false`, yet in the ledger: the flag lied. */
  dishonest: string[];
  /** A failure that is not a typed `BackendError` (no string code). */
  untyped: string[];
}

const SHELL_PID = /^(\d+)\n$/;

/**
 * A small load on a manager: `sessions` sessions, each with a working directory and a variable set by a
 * command, each running a loop of commands whose output is checked byte for byte (a unique token, the
 * session's variable, its `$PWD`) and which leave one ledger line each. Faults are injected while it
 * runs; `stop()` ends the loops and `report()` checks every outcome against the ledger.
 *
 * @example
 * ```ts
 * const load = await FaultLoad.start({ manager, dir, sessions: 8 });
 * await load.untilEach(3);
 * // ...inject the fault, wait for the outcome...
 * await load.stop();
 * expect(load.report()).toMatchObject({ twice: [], lost: [], dishonest: [], untyped: [] });
 * ```
 */
export class FaultLoad {
  readonly sessions: LoadSession[] = [];
  readonly records: CommandRecord[] = [];
  private readonly output = new Map<string, string>();
  private readonly onOutput = (e: { sessionId: string; data: string }) =>
    this.output.set(e.sessionId, (this.output.get(e.sessionId) ?? '') + e.data);
  private running = true;
  private loops: Array<Promise<void>> = [];
  readonly ledgerFile: string;

  private constructor(private readonly options: FaultLoadOptions) {
    this.ledgerFile = path.join(options.dir, 'ledger');
  }

  static async start(options: FaultLoadOptions): Promise<FaultLoad> {
    const load = new FaultLoad(options);
    options.manager.on('output', load.onOutput);
    const workDir = options.workDir ?? ((i: number) => path.join(options.dir, `s${i}`));
    for (let i = 0; i < options.sessions; i++) {
      const dir = workDir(i);
      if (!options.workDir) mkdirSync(dir, { recursive: true });
      const s = expectOk(await options.manager.createSession(options.createOptions?.(i)));
      const mark = `m${i}-${randomBytes(4).toString('hex')}`;
      const setup = expectOk(
        await options.manager.executeCommand(
          s.id,
          `mkdir -p '${dir}' && cd '${dir}' && export FAULT_MARK=${mark} && echo $$`,
        ),
        `setting up session ${i}`,
      );
      const pid = SHELL_PID.exec(setup.output);
      if (!pid) throw new Error(`session ${i}: setup printed ${JSON.stringify(setup.output)}`);
      load.sessions.push({ index: i, id: s.id, shellPid: Number(pid[1]), workDir: dir, mark });
    }
    load.loops = load.sessions.map((s) => load.loop(s));
    return load;
  }

  /** Commands of session `index` that completed after `since` (a `performance.now()`). */
  completedSince(index: number, since: number): number {
    return this.records.filter((r) => r.session === index && r.kind === 'completed' && r.sentAt > since)
      .length;
  }

  /** Resolves once every session has completed `count` more commands after `since` (default: now). */
  async untilEach(count: number, since = performance.now(), timeoutMs = 60_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.sessions.some((s) => this.completedSince(s.index, since) < count)) {
      if (performance.now() > deadline) {
        const behind = this.sessions.filter((s) => this.completedSince(s.index, since) < count);
        throw new Error(
          `sessions ${behind.map((s) => s.index).join(', ')} did not complete ${count} commands; last: ` +
            JSON.stringify(behind.map((s) => this.records.filter((r) => r.session === s.index).at(-1))),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Ends the loops (each finishes its command in flight) and stops listening to output. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.options.manager.off('output', this.onOutput);
  }

  /** Every outcome checked against the ledger. Call after `stop()`. */
  report(): LoadReport {
    const counts = this.ledger();
    const errors: Record<string, number> = {};
    const twice = [...counts].filter(([, n]) => n > 1).map(([t, n]) => `${t} ran ${n} times`);
    const lost: string[] = [];
    const dishonest: string[] = [];
    const untyped: string[] = [];
    for (const r of this.records) {
      const ran = counts.get(r.token) ?? 0;
      if (r.kind === 'wrong') lost.push(`${r.token}: ${r.detail}`);
      if (r.kind === 'completed' && ran !== 1) lost.push(`${r.token} completed but ran ${ran} times`);
      if (r.kind === 'failed') {
        if (typeof r.code !== 'string' || typeof r.dispatched !== 'boolean')
          untyped.push(`${r.token}: ${r.detail}`);
        const key = `${r.code} ${r.dispatched ? 'dispatched' : 'undispatched'}`;
        errors[key] = (errors[key] ?? 0) + 1;
        if (r.dispatched === false && ran > 0) dishonest.push(`${r.token}: ${r.code} undispatched, yet ran`);
      }
      if (r.kind === 'ended') errors[`status ${r.code}`] = (errors[`status ${r.code}`] ?? 0) + 1;
    }
    return { records: this.records, errors, twice, lost, dishonest, untyped };
  }

  /** Token → how many times a command recorded it. */
  private ledger(): Map<string, number> {
    const counts = new Map<string, number>();
    const add = (token: string) => counts.set(token, (counts.get(token) ?? 0) + 1);
    if (this.options.ledger === 'output') {
      for (const text of this.output.values()) for (const m of text.matchAll(/L:(t[\w-]+)\n/g)) add(m[1]!);
    } else if (existsSync(this.ledgerFile)) {
      for (const line of readFileSync(this.ledgerFile, 'utf8').split('\n')) if (line) add(line);
    }
    return counts;
  }

  private async loop(s: LoadSession): Promise<void> {
    const { manager } = this.options;
    const pause = this.options.pause ?? 'sleep 0.05';
    for (let n = 0; this.running; n++) {
      const token = `t${s.index}-${n}-${randomBytes(3).toString('hex')}`;
      const answer = `${token}|${s.mark}|${s.workDir}\n`;
      const [note, expected] =
        this.options.ledger === 'output'
          ? [`printf 'L:%s\\n' ${token}`, `L:${token}\n${answer}`]
          : [`printf '%s\\n' ${token} >> '${this.ledgerFile}'`, answer];
      const sentAt = performance.now();
      const r = await manager.executeCommand(
        s.id,
        `${note}; ${pause}; printf '%s|%s|%s\\n' ${token} "$FAULT_MARK" "$PWD"`,
        undefined,
        this.options.context,
      );
      const record: CommandRecord = {
        session: s.index,
        token,
        sentAt,
        endedAt: performance.now(),
        kind: 'completed',
      };
      if (!r.ok) {
        Object.assign(record, {
          kind: 'failed',
          code: r.error.code,
          dispatched: r.error.dispatched,
          detail: r.error.message,
        });
      } else if (r.value.status !== 'completed') {
        Object.assign(record, { kind: 'ended', code: r.value.status });
      } else if (r.value.output !== expected || r.value.exitCode !== 0) {
        Object.assign(record, {
          kind: 'wrong',
          detail: `exit ${r.value.exitCode}, printed ${JSON.stringify(r.value.output.slice(0, 300))}`,
        });
      }
      this.records.push(record);
      // A failed call answers at once: yield so a dead session cannot spin the loop.
      if (record.kind !== 'completed') await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
