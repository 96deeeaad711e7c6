import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodePtyBackend } from '@vth/backend-node-pty';
import { expectFailure, expectOk } from '@vth/testkit';
import { MemoryAuditSink } from './audit-sinks';
import { denyPatterns, type CommandPolicy } from './command-policy';
import { commandPolicy } from './command-rules';
import { DANGEROUS_COMMANDS } from './dangerous-commands';
import { guardBackend, type GuardBackendOptions, type GuardedBackend } from './guard-backend';
import { JsonLinesFileSink } from './json-lines-file-sink';

jest.setTimeout(30_000);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vth-guard-input-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let unique = 0;
/** A path no test has used: its existence proves a command ran. */
const marker = () => join(dir, `marker-${process.pid}-${++unique}`);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A guarded node-pty backend and one session in `dir`, shut down after `use`. */
async function withSession(
  options: GuardBackendOptions,
  use: (backend: GuardedBackend, sessionId: string) => Promise<void>,
): Promise<void> {
  const backend = guardBackend(new NodePtyBackend(), options);
  expectOk(await backend.initialize({}));
  try {
    const s = expectOk(await backend.createSession({ cwd: dir }));
    await use(backend, s.id);
  } finally {
    await backend.shutdown();
  }
}

/** Denies exactly `touch <path>` as a whole line, the way a line-oriented policy is written. */
const noTouch = (path: string): CommandPolicy => denyPatterns([new RegExp(`^touch ${escape(path)}$`, 'm')]);

describe('sendInput is checked line by line, as the shell will read it (real node-pty)', () => {
  it('refuses a command split over two sendInput calls, and leaves the session usable', async () => {
    const path = marker();
    await withSession({ policy: noTouch(path) }, async (backend, s) => {
      expectOk(await backend.sendInput(s, 'touch '));
      expectFailure(await backend.sendInput(s, `${path}\n`), 'FORBIDDEN', { dispatched: false });
      // The shell still holds 'touch ': Ctrl-U clears it, as a person would.
      expectOk(await backend.sendInput(s, '\x15'));
      expect(expectOk(await backend.executeCommand(s, 'echo ok')).output).toBe('ok\n');
      expect(existsSync(path)).toBe(false);
    });
  });

  it('edits the line as the terminal does: what the backspace leaves is what is checked', async () => {
    const path = marker();
    await withSession({ policy: noTouch(path) }, async (backend, s) => {
      expectFailure(await backend.sendInput(s, `touch ${path}x\x7f\n`), 'FORBIDDEN');
      expect(expectOk(await backend.executeCommand(s, 'echo ok')).output).toBe('ok\n');
      expect(existsSync(path)).toBe(false);
      // Ctrl-U kills what came before: the shell runs only `echo`, and so does the check.
      const echoed = marker();
      expectOk(await backend.sendInput(s, `touch ${path}\x15echo hi > ${echoed}\n`));
      await backend.executeCommand(s, 'true');
      expect(existsSync(echoed)).toBe(true);
      expect(existsSync(path)).toBe(false);
    });
  });

  it('delivers nothing of a paste with a refused line', async () => {
    const path = marker();
    const first = marker();
    await withSession({ policy: noTouch(path) }, async (backend, s) => {
      expectFailure(await backend.sendInput(s, `touch ${first}\ntouch ${path}\n`), 'FORBIDDEN');
      await backend.executeCommand(s, 'true');
      expect([existsSync(first), existsSync(path)]).toEqual([false, false]);
    });
  });

  it('checks the lines of a command left open (a quote) together', async () => {
    const path = marker();
    const rules = commandPolicy({ rules: [{ name: 'no-marker', program: 'touch', args: { any: [path] } }] });
    await withSession({ policy: rules }, async (backend, s) => {
      expectOk(await backend.sendInput(s, "echo '\n"));
      expectFailure(await backend.sendInput(s, `' ; touch ${path}\n`), 'FORBIDDEN');
      expectOk(await backend.sendInput(s, "'\n"));
      expect(expectOk(await backend.executeCommand(s, 'echo ok')).output).toBe('ok\n');
      expect(existsSync(path)).toBe(false);
    });
  });

  it('refuses a command that text typed and not entered would run with', async () => {
    const path = marker();
    const rules = commandPolicy({ rules: [{ name: 'no-marker', program: 'touch', args: { any: [path] } }] });
    await withSession({ policy: rules }, async (backend, s) => {
      expectOk(await backend.sendInput(s, `touch ${path} `));
      const r = await backend.executeCommand(s, 'true');
      expect(expectFailure(r, 'FORBIDDEN', { dispatched: false }).message).toMatch(
        /typed into the session and not entered/,
      );
      expectOk(await backend.sendInput(s, '\x15'));
      expect(expectOk(await backend.executeCommand(s, 'echo ok')).output).toBe('ok\n');
      expect(existsSync(path)).toBe(false);
    });
  });

  it('audits a refused answer to a password prompt masked', async () => {
    const file = join(dir, `secret-${++unique}.jsonl`);
    await withSession(
      { policy: denyPatterns([/hunter2/], 'not that word'), audit: { sink: new JsonLinesFileSink(file) } },
      async (backend, s) => {
        const reading = backend.executeCommand(s, 'read -s pw; echo "${#pw}"');
        expectFailure(await backend.sendInput(s, 'hunter2\n'), 'FORBIDDEN');
        expectOk(await backend.sendInput(s, 'fine\n'));
        expect(expectOk(await reading).output).toBe('4\n');
      },
    );
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind?: string; command: string }),
    ).toContainEqual(expect.objectContaining({ kind: 'input', command: '***' }));
  });

  it('asks before running a line typed with editing keys, and refuses it without a confirm handler', async () => {
    const path = marker();
    await withSession({ policy: () => 'allow' }, async (backend, s) => {
      const r = await backend.sendInput(s, `touch ${path}\x1b[D\n`);
      expect(expectFailure(r, 'FORBIDDEN').message).toMatch(/line editor/);
      await backend.executeCommand(s, 'true');
      expect(existsSync(path)).toBe(false);
    });
    const confirm = jest.fn(() => true);
    await withSession({ policy: () => 'allow', confirm }, async (backend, s) => {
      expectOk(await backend.sendInput(s, `touch ${path}\x1b[D\n`));
      expect(confirm).toHaveBeenCalledTimes(1);
    });
  });
});

describe('commandPolicy with DANGEROUS_COMMANDS over a real node-pty backend', () => {
  it('refuses the rm variants a text pattern missed, undispatched, and runs ordinary rm', async () => {
    const log = marker();
    const sink = new MemoryAuditSink();
    await withSession(
      { policy: commandPolicy({ rules: DANGEROUS_COMMANDS }), audit: { sink } },
      async (backend, s) => {
        // rm is shadowed by a function that only records its arguments: were a variant ever let through,
        // this function (never /bin/rm) would run, and the log would show it.
        expectOk(await backend.executeCommand(s, `rm() { printf '%s\\n' "rm $*" >> ${log}; }`));
        expect(expectOk(await backend.executeCommand(s, 'type -t rm')).output).toBe('function\n');
        for (const variant of ['rm -fr /', 'rm -Rf /', 'rm -r -f /', 'rm -rf /*', 'rm -rf -- /']) {
          expectFailure(await backend.executeCommand(s, variant), 'FORBIDDEN', { dispatched: false });
          expectFailure(await backend.sendInput(s, `${variant}\n`), 'FORBIDDEN', { dispatched: false });
        }
        expectOk(await backend.executeCommand(s, 'rm -rf ./build-x'));
        expect(await readFile(log, 'utf8')).toBe('rm -rf ./build-x\n');
      },
    );
    expect(sink.records.filter((r) => r.outcome === 'denied').map((r) => r.reason)).toContain(
      'rm-root: removes the root, the home directory or a top-level directory, recursively',
    );
  });

  it('asks before what it cannot analyse (a pipe into sh), and runs it when confirmed', async () => {
    const confirm = jest.fn(() => true);
    await withSession(
      { policy: commandPolicy({ rules: DANGEROUS_COMMANDS }), confirm },
      async (backend, s) => {
        expect(expectOk(await backend.executeCommand(s, "echo 'echo piped' | sh")).output).toBe('piped\n');
        expect(confirm).toHaveBeenCalledWith(
          expect.objectContaining({ command: "echo 'echo piped' | sh" }),
          'cannot analyse the command: a pipe into sh',
        );
      },
    );
  });
});
