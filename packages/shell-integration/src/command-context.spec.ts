import { type CommandExecution, type ExecutionContext } from '@vth/core';
import { bashDialect } from './bash-dialect';
import { startShell, type RealShell } from './real-shell.fixture';

/** The execution of `command`, failing the test on an error result. */
async function executed(
  shell: RealShell,
  command: string,
  context: ExecutionContext = {},
): Promise<CommandExecution> {
  const r = await shell.runner.execute(command, context);
  if (!r.ok) throw r.error;
  return r.value;
}

describe("a command's ExecutionContext on real bash", () => {
  // Bounds a hung shell on a loaded machine; not a performance claim.
  jest.setTimeout(30_000);
  let shell: RealShell;
  afterEach(async () => {
    shell.term.kill('SIGKILL');
    await shell.exited;
  });

  describe('with ONLCR off (a pty backend)', () => {
    beforeEach(async () => {
      shell = await startShell('bash', bashDialect);
    });

    it('streams output to onOutput, in order, adding up to the output', async () => {
      const chunks: string[] = [];
      const r = await executed(shell, 'for i in 1 2 3; do echo "line $i é"; done', {
        onOutput: (chunk) => chunks.push(chunk),
      });
      expect(r.output).toBe('line 1 é\nline 2 é\nline 3 é\n');
      expect(chunks.join('')).toBe(r.output);
    });

    it('keeps the session when onOutput throws', async () => {
      const r = await executed(shell, 'echo hi', {
        onOutput: () => {
          throw new Error("the caller's bug");
        },
      });
      expect(r).toMatchObject({ status: 'completed', exitCode: 0, output: 'hi\n' });
      expect((await executed(shell, 'echo again')).output).toBe('again\n');
    });

    it('ends a command when its signal aborts, as interrupted, and the shell takes the next one', async () => {
      const controller = new AbortController();
      const running = executed(shell, 'echo started; sleep 300', { signal: controller.signal });
      await shell.printedSoFar('started');
      controller.abort();
      // bash ends the line Ctrl-C cut with a newline of its own: the output starts with what the command printed.
      const r = await running;
      expect(r).toMatchObject({ status: 'interrupted', exitCode: 130 });
      expect(r.output.startsWith('started\n')).toBe(true);
      expect((await executed(shell, 'echo next')).output).toBe('next\n');
    });

    it('dequeues a queued command whose signal aborts before its turn, without running it', async () => {
      const controller = new AbortController();
      const first = executed(shell, 'echo first; sleep 300', { timeoutMs: 20_000 });
      const queued = executed(shell, 'echo never > /tmp/vth-never-ran', { signal: controller.signal });
      await shell.printedSoFar('first');
      controller.abort();
      const skipped = await queued;
      expect(skipped.status).toBe('interrupted');
      expect(skipped.exitCode).toBeNull();
      shell.runner.interrupt();
      expect((await first).status).toBe('interrupted');
      expect(shell.typed.join('')).not.toContain('vth-never-ran');
    });

    it('times out a command that prints nothing for idleTimeoutMs', async () => {
      const r = await executed(shell, 'echo waiting; sleep 300', { idleTimeoutMs: 500 });
      expect(r).toMatchObject({ status: 'timed-out', exitCode: 130 });
      expect(r.output.startsWith('waiting\n')).toBe(true);
    });

    it('keeps the head and tail of output beyond maxOutputBytes and counts the cut', async () => {
      const r = await executed(shell, 'seq 1 2000', { maxOutputBytes: 20 });
      expect(r.output.startsWith('1\n2\n3\n')).toBe(true);
      expect(r.output.endsWith('1999\n2000\n')).toBe(true);
      expect(Buffer.byteLength(r.output) + r.truncatedBytes).toBe(
        Buffer.byteLength(Array.from({ length: 2000 }, (_, i) => `${i + 1}\n`).join('')),
      );
    });
  });

  describe('with ONLCR kept (a tmux pane renders it)', () => {
    beforeEach(async () => {
      shell = await startShell('bash', bashDialect, 200, { onlcr: true });
    });

    it('reports exactly what the program wrote, streamed the same', async () => {
      const chunks: string[] = [];
      const r = await executed(shell, "printf 'a\\nb\\r\\nc'", { onOutput: (c) => chunks.push(c) });
      expect(r.output).toBe('a\nb\r\nc');
      expect(chunks.join('')).toBe(r.output);
    });
  });
});
