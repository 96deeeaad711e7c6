import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A tool's answer, flattened: what the scenarios read. */
export interface ScenarioAnswer {
  /** The tool's `structuredContent`: what the scenarios assert on. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any tool's structured answer
  structured: any;
  /** The answer's text content (its parts joined): shown when a step fails. */
  text: string;
  /** The tool answered an error (`isError`): every step of a scenario expects `false`. */
  isError: boolean;
}

/** Calls one tool of a connected MCP client (any transport). */
export type CallTool = (name: string, args?: Record<string, unknown>) => Promise<ScenarioAnswer>;

/** One end-to-end check: a name for the test, and a run that throws (`node:assert`) when it fails. */
export interface TerminalScenario {
  /** What it checks, as a sentence; use it as the test's name. */
  name: string;
  /** Needs `capabilities.longCommands` (a command that yields a handle). */
  long: boolean;
  /** Runs the check through `call`, opening and closing its own session; rejects on a failed assertion. */
  run(call: CallTool): Promise<void>;
}

async function ok(call: CallTool, name: string, args: Record<string, unknown> = {}): Promise<ScenarioAnswer> {
  const answer = await call(name, args);
  assert.equal(answer.isError, false, `${name} failed: ${answer.text}`);
  return answer;
}

async function withSession(call: CallTool, body: (sessionId: string) => Promise<void>): Promise<void> {
  const { structured } = await ok(call, 'session_open');
  try {
    await body(structured.sessionId);
  } finally {
    await ok(call, 'session_close', { sessionId: structured.sessionId });
  }
}

/** Reads a running command to its end; answers all its output and the last answer. */
async function readToEnd(call: CallTool, handle: string): Promise<{ output: string; last: ScenarioAnswer }> {
  let output = '';
  for (;;) {
    const read = await ok(call, 'command_read', { handle, waitMs: 5_000 });
    output += read.structured.output;
    if (read.structured.status !== 'running') return { output, last: read };
  }
}

/** Polls the screen until `check` holds (at most `attempts` reads, each after the last answered). */
async function screenUntil(
  call: CallTool,
  sessionId: string,
  check: (lines: string[]) => boolean,
  what: string,
): Promise<ScenarioAnswer> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const screen = await ok(call, 'session_screen', { sessionId });
    if (check(screen.structured.lines)) return screen;
    assert.ok(Date.now() < deadline, `the screen never showed ${what}:\n${screen.text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The end-to-end checks of an MCP terminal server, for any transport: a quick command, a long command read
 * to its end, a prompt answered with typed text, vi read through the screen and quit with keys, and Ctrl-C
 * ending a running command. Each opens and closes its own session; assertions use `node:assert`.
 *
 * @example
 * ```ts
 * for (const s of TERMINAL_SCENARIOS) it(s.name, () => s.run((name, args) => callTool(client, name, args)));
 * ```
 */
export const TERMINAL_SCENARIOS: readonly TerminalScenario[] = [
  {
    name: 'a quick command answers its exit code, cwd and exact output',
    long: false,
    run: (call) =>
      withSession(call, async (sessionId) => {
        const run = await ok(call, 'command_run', { sessionId, command: 'echo hello; cd /tmp; false' });
        assert.deepEqual(
          { ...run.structured, durationMs: 0 },
          {
            sessionId,
            status: 'completed',
            exitCode: 1,
            cwd: '/tmp',
            output: 'hello\n',
            truncatedBytes: 0,
            durationMs: 0,
          },
        );
      }),
  },
  {
    name: 'a long command yields a handle and is read to its end',
    long: true,
    run: (call) =>
      withSession(call, async (sessionId) => {
        const dir = mkdtempSync(join(tmpdir(), 'vth-mcp-'));
        const gate = join(dir, 'go');
        try {
          const run = await ok(call, 'command_run', {
            sessionId,
            // Blocks until the test creates the gate: it cannot end before the yield, however slow the machine.
            command: `echo first; while [ ! -e ${gate} ]; do sleep 0.05; done; seq 1 3; echo last`,
            yieldAfterMs: 200,
          });
          assert.equal(run.structured.status, 'running', run.text);
          assert.match(run.structured.handle, /:/);
          writeFileSync(gate, '');
          const { output, last } = await readToEnd(call, run.structured.handle);
          assert.equal(run.structured.output + output, 'first\n1\n2\n3\nlast\n');
          assert.equal(last.structured.status, 'completed');
          assert.equal(last.structured.exitCode, 0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
  },
  {
    name: 'a prompt (read -p) is answered through session_send',
    long: true,
    run: (call) =>
      withSession(call, async (sessionId) => {
        const run = await ok(call, 'command_run', {
          sessionId,
          command: 'read -r -p "name? " n; echo "hi $n"',
          yieldAfterMs: 200,
        });
        assert.equal(run.structured.status, 'running', run.text);
        const handle = run.structured.handle as string;
        const prompt = await ok(call, 'command_wait', { handle, pattern: 'name\\? ', timeoutMs: 10_000 });
        assert.equal(prompt.structured.reason, 'pattern', prompt.text);
        await ok(call, 'session_send', { sessionId, text: 'bob', keys: ['Enter'] });
        const done = await ok(call, 'command_wait', { handle, exit: true, timeoutMs: 10_000 });
        assert.equal(done.structured.status, 'completed', done.text);
        assert.equal(done.structured.exitCode, 0);
        assert.match(done.structured.output, /hi bob\n$/);
      }),
  },
  {
    name: 'vi shows the file on the screen and quits with keys',
    long: true,
    run: (call) =>
      withSession(call, async (sessionId) => {
        const dir = mkdtempSync(join(tmpdir(), 'vth-mcp-'));
        const file = join(dir, 'notes.txt');
        writeFileSync(file, 'alpha line\nbravo-marker-42\n');
        try {
          const run = await ok(call, 'command_run', { sessionId, command: `vi ${file}`, yieldAfterMs: 200 });
          assert.equal(run.structured.status, 'running', run.text);
          const screen = await screenUntil(
            call,
            sessionId,
            (lines) => lines[0] === 'alpha line' && lines[1] === 'bravo-marker-42',
            'the file in vi',
          );
          assert.equal(screen.structured.alternateScreen, true, screen.text);
          assert.match(screen.text, /~/);
          // Down moves the cursor in vi's mode (application cursor keys), then x deletes a character there.
          await ok(call, 'session_send', { sessionId, keys: ['Down'] });
          await ok(call, 'session_send', { sessionId, text: 'x' });
          await screenUntil(call, sessionId, (lines) => lines[1] === 'ravo-marker-42', 'the edit');
          await ok(call, 'session_send', { sessionId, keys: ['Escape'] });
          await ok(call, 'session_send', { sessionId, text: ':q!', keys: ['Enter'] });
          const done = await ok(call, 'command_wait', {
            handle: run.structured.handle,
            exit: true,
            timeoutMs: 10_000,
          });
          assert.equal(done.structured.status, 'completed', done.text);
          assert.equal(done.structured.exitCode, 0);
          const after = await ok(call, 'session_screen', { sessionId });
          assert.equal(after.structured.alternateScreen, false);
          assert.equal(existsSync(file), true);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
  },
  {
    name: 'Ctrl-C ends a running command and the session stays usable',
    long: true,
    run: (call) =>
      withSession(call, async (sessionId) => {
        const run = await ok(call, 'command_run', {
          sessionId,
          command: 'echo started; sleep 600',
          yieldAfterMs: 200,
        });
        assert.equal(run.structured.status, 'running', run.text);
        const handle = run.structured.handle as string;
        await ok(call, 'command_wait', { handle, pattern: 'started', timeoutMs: 10_000 });
        await ok(call, 'session_send', { sessionId, keys: ['Ctrl-C'] });
        const done = await ok(call, 'command_wait', { handle, exit: true, timeoutMs: 10_000 });
        assert.notEqual(done.structured.status, 'running', done.text);
        assert.ok(
          done.structured.status === 'interrupted' || done.structured.exitCode === 130,
          `not ended by Ctrl-C: ${done.text}`,
        );
        const next = await ok(call, 'command_run', { sessionId, command: 'echo again' });
        assert.equal(next.structured.output, 'again\n');
      }),
  },
];
