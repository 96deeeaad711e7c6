import { EMPTY_LINE, feedKeys, type LineState } from './line-discipline';
import { readsPassword } from './password-prompts';
import { parseShell } from './shell-words';

/** A command that keys typed into a session would make the shell run, to be checked before delivery. */
export interface InputCheck {
  /** The command: the earlier lines of a command still open (a quote, a heredoc, a `\`) and this line. */
  text: string;
  /** Why the text is only a guess (keys a line editor interprets, a line too long), or `null`. */
  untracked: string | null;
  /** It follows a command that reads a password: audit it masked. */
  secret: boolean;
  /** Refused without asking the policy, for this reason. */
  refuse?: string;
}

/** What a `sendInput` would complete; `commit()` once the keys were delivered. */
export interface InputPlan {
  checks: InputCheck[];
  /** Records the keys as typed; the function it returns takes them back (they never arrived). */
  commit(): () => void;
}

interface PaneInput {
  line: LineState;
  /** Complete lines of a command the shell is still waiting to finish. */
  open: string[];
  openBytes: number;
  openUntracked: string | null;
  /** Why the open command is no longer followed (it outgrew `maxOpenBytes`), or `null`. */
  overflow: string | null;
}

/** Lines one `sendInput` may complete; a longer paste is refused (checking it would stall the process). */
const MAX_LINES_PER_CALL = 4096;
/** Lines after a password-reading command that are masked in audit records (`passwd` asks three times). */
const SECRET_LINES = 3;
const EDITING_KEYS = /[\x7f\b\x15\x17]/;

/**
 * Follows, per session and pane, what has been typed and not yet entered, the way a terminal's line
 * discipline would, so a command split over several `sendInput` calls (`'rm -rf '`, then `'/\n'`) is
 * checked whole, and a bulk paste is checked line by line. Bounded: `maxLineBytes` per line and per open
 * command (beyond, the text is a guess), `maxPanes` panes (least recently used forgotten).
 *
 * @example
 * ```ts
 * const plan = tracker.plan('s1', undefined, '/\n'); // after 'rm -rf ': checks 'rm -rf /'
 * if (await allAllowed(plan.checks)) { await deliver(); plan.commit(); }
 * ```
 */
export class InputTracker {
  /** Session → pane key (`''` for the default pane) → what is pending there. */
  private readonly sessions = new Map<string, Map<string, PaneInput>>();
  /** Session → lines still to mask after a password-reading command. */
  private readonly secrets = new Map<string, number>();
  private panes = 0;

  /** A command open over several lines is followed up to this size: twice a line. */
  private readonly maxOpenBytes: number;

  constructor(
    private readonly maxLineBytes: number,
    private readonly maxPanes: number,
  ) {
    this.maxOpenBytes = 2 * maxLineBytes;
  }

  plan(sessionId: string, paneId: string | undefined, keys: string): InputPlan {
    const key = paneId ?? '';
    const panes = this.sessions.get(sessionId);
    const before = panes?.get(key);
    const pane: PaneInput = before ? { ...before, open: [...before.open] } : fresh();
    let secretLines = this.secrets.get(sessionId) ?? 0;
    // Another pane of the session with pending text may be this very pane under another name (`undefined`
    // is the first pane): its text may be the start of this line.
    const others = [...(panes ?? [])]
      .filter(([k, p]) => k !== key && pending(p) !== '')
      .map(([, p]) => pending(p));
    const { state, events } = feedKeys(pane.line, keys, this.maxLineBytes);
    const lines = events.filter((e) => e.kind === 'line').length;
    if (lines > MAX_LINES_PER_CALL) {
      // Each line costs a parse and a policy call; a huge paste would hold the process for seconds.
      const refuse = `${lines} lines in one call: more than ${MAX_LINES_PER_CALL} are not checked one by one; send them in parts`;
      return {
        checks: [{ text: keys.slice(0, 256), untracked: null, secret: false, refuse }],
        commit: () => () => undefined,
      };
    }
    const checks: InputCheck[] = [];
    let first = true;
    for (const event of events) {
      if (event.kind === 'reset') {
        Object.assign(pane, { open: [], openBytes: 0, openUntracked: null, overflow: null });
        secretLines = 0;
        continue;
      }
      let untracked = event.blind
        ? 'keys a line editor interprets (arrows, Tab, Ctrl-A…)'
        : event.overflow
          ? `a line longer than ${this.maxLineBytes} bytes`
          : pane.openUntracked;
      if (first && others.length > 0 && EDITING_KEYS.test(keys))
        untracked ??= 'edits while another pane has text typed';
      const secret = secretLines > 0;
      if (pane.overflow) {
        // The open command outgrew what is followed: where it ends is unknown, so every line is a guess
        // until Ctrl-C or Ctrl-D discards it (re-reading an ever longer text per line would be quadratic).
        if (event.text.trim() !== '') checks.push({ text: event.text, untracked: pane.overflow, secret });
        if (secret) secretLines--;
        first = false;
        continue;
      }
      const text = pane.open.length > 0 ? `${pane.open.join('\n')}\n${event.text}` : event.text;
      if (text.trim() !== '') checks.push({ text, untracked, secret });
      if (first) for (const other of others) checks.push({ text: other + text, untracked, secret });
      first = false;
      const parsed = parseShell(text);
      if (parsed.incomplete) {
        pane.open.push(event.text);
        pane.openBytes += Buffer.byteLength(event.text, 'utf8') + 1;
        pane.openUntracked = untracked;
        if (pane.openBytes > this.maxOpenBytes) {
          Object.assign(pane, { open: [], openBytes: 0, openUntracked: null });
          pane.overflow = `a command of more than ${this.maxOpenBytes} bytes over several lines`;
        }
      } else {
        Object.assign(pane, { open: [], openBytes: 0, openUntracked: null });
      }
      if (secret) secretLines--;
      else if (!parsed.incomplete && readsPassword(text)) secretLines = SECRET_LINES;
    }
    pane.line = state;
    const secretBefore = this.secrets.get(sessionId) ?? 0;
    return {
      checks,
      commit: () => {
        this.store(sessionId, key, pane);
        this.setSecret(sessionId, secretLines);
        return () => {
          // Only if nothing was typed there since: a later call's keys must not be lost.
          const now = this.sessions.get(sessionId)?.get(key);
          if (isEmpty(pane) ? now !== undefined : now !== pane) return;
          this.store(sessionId, key, before ?? fresh());
          this.setSecret(sessionId, secretBefore);
        };
      },
    };
  }

  /** Text typed into the session's panes and not entered yet: a command sent now would run after it. */
  pendingText(sessionId: string): string[] {
    return [...(this.sessions.get(sessionId)?.values() ?? [])].map(pending).filter((t) => t.trim() !== '');
  }

  /** A command was sent to the pane: its line ended; the lines typed next may answer its password prompt. */
  commandSent(sessionId: string, paneId: string | undefined, command: string): void {
    this.sessions.get(sessionId)?.delete(paneId ?? '');
    this.setSecret(sessionId, readsPassword(command) ? SECRET_LINES : 0);
  }

  forgetSession(sessionId: string): void {
    const panes = this.sessions.get(sessionId);
    if (panes) this.panes -= panes.size;
    this.sessions.delete(sessionId);
    this.secrets.delete(sessionId);
  }

  private store(sessionId: string, key: string, pane: PaneInput): void {
    let panes = this.sessions.get(sessionId);
    const had = panes?.has(key) ?? false;
    if (isEmpty(pane)) {
      if (had) {
        panes!.delete(key);
        this.panes--;
      }
      return;
    }
    if (!panes) {
      panes = new Map();
      this.sessions.set(sessionId, panes);
    }
    // Most recently used last: re-inserting keeps the order an LRU needs.
    this.sessions.delete(sessionId);
    this.sessions.set(sessionId, panes);
    panes.set(key, pane);
    if (!had) this.panes++;
    while (this.panes > this.maxPanes) {
      const oldest = this.sessions.keys().next();
      if (oldest.done || oldest.value === sessionId) break;
      this.forgetSession(oldest.value);
    }
  }

  private setSecret(sessionId: string, lines: number): void {
    if (lines > 0) this.secrets.set(sessionId, lines);
    else this.secrets.delete(sessionId);
  }
}

function fresh(): PaneInput {
  return { line: EMPTY_LINE, open: [], openBytes: 0, openUntracked: null, overflow: null };
}

function pending(pane: PaneInput): string {
  const line = pane.line.pushed + pane.line.text;
  return pane.open.length > 0 ? `${pane.open.join('\n')}\n${line}` : line;
}

function isEmpty(pane: PaneInput): boolean {
  return (
    pane.overflow === null &&
    pane.open.length === 0 &&
    pane.line.text === '' &&
    pane.line.pushed === '' &&
    !pane.line.literalNext &&
    !pane.line.blind
  );
}
