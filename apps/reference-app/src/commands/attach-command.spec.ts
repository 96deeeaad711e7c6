import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { captureOutput } from '../test-support/captured-output.fixture';
import { serveCli, type ServedCli } from '../test-support/served-cli.fixture';
import { type HandledSignal } from '../stdio';
import { AttachCommand } from './attach-command';

/**
 * A terminal input that records its raw-mode switches. Beside the pseudo-terminal specs (attach.spec.ts):
 * there, Node itself resets the terminal when the process exits, so only here can a missing restore show.
 */
function fakeTerminalInput() {
  const input = new PassThrough() as PassThrough & {
    isTTY: boolean;
    isRaw: boolean;
    setRawMode(on: boolean): void;
  };
  const modes: boolean[] = [];
  input.isTTY = true;
  input.isRaw = false;
  input.setRawMode = (on: boolean) => {
    modes.push(on);
    input.isRaw = on;
  };
  return { input, modes };
}

describe('AttachCommand restores the terminal', () => {
  let server: ServedCli;
  beforeAll(async () => {
    server = await serveCli();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const attach = (sessionId: string, url: string) => {
    const { input, modes } = fakeTerminalInput();
    const { output, stdout, stderr } = captureOutput();
    const signals = new EventEmitter();
    const command = new AttachCommand(output, input, signals as never, {});
    const done = command.run({ sessionId, url });
    return { input, modes, stdout, stderr, done, signal: (s: HandledSignal) => signals.emit(s) };
  };

  it('after Ctrl-] (raw while attached, cooked once it returns)', async () => {
    const id = await server.createSession();
    const run = attach(id, server.url);
    await run.stdout.until((t) => t.includes('\x1b[2J'));
    expect(run.modes).toEqual([true]);
    run.input.write('\x1d');
    expect(await run.done).toBe(0);
    expect(run.modes).toEqual([true, false]);
  });

  it('after SIGTERM', async () => {
    const id = await server.createSession();
    const run = attach(id, server.url);
    await run.stdout.until((t) => t.includes('\x1b[2J'));
    run.signal('SIGTERM');
    expect(await run.done).toBe(0);
    expect(run.modes).toEqual([true, false]);
  });

  it('after a refusal (no such session)', async () => {
    const run = attach('s-missing', server.url);
    expect(await run.done).toBe(1);
    expect(run.stderr()).toMatch(/SESSION_NOT_FOUND/);
    expect(run.modes).toEqual([true, false]);
  });
});
