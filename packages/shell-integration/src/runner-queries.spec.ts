import { bashDialect } from './bash-dialect';
import { startShell, type RealShell } from './real-shell.fixture';

describe("a real bash runner's state and argument checks", () => {
  // Bounds a hung shell on a loaded machine; not a performance claim.
  jest.setTimeout(30_000);
  let shell: RealShell;
  beforeEach(async () => {
    shell = await startShell('bash', bashDialect);
  });
  afterEach(async () => {
    shell.term.kill('SIGKILL');
    await shell.exited;
  });

  it('is busy while a command runs or waits, and not once they are done', async () => {
    expect(shell.runner.busy).toBe(false);
    const first = shell.runner.execute('echo one');
    const second = shell.runner.execute('echo two');
    expect(shell.runner.busy).toBe(true);
    await Promise.all([first, second]);
    expect(shell.runner.busy).toBe(false);
    expect(shell.runner.closed).toBe(false);
  });

  it('answers ready at once when the shell is up, and with the reason once it has ended', async () => {
    expect(await shell.runner.ready(1)).toEqual({ ok: true, value: undefined });
    shell.term.kill('SIGKILL');
    await shell.exited;
    expect(shell.runner.closed).toBe(true);
    const ready = await shell.runner.ready(1);
    expect(!ready.ok && ready.error).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
  });

  it('refuses a malformed context before anything is typed, for one command and for a batch', async () => {
    const typedBefore = shell.typed.length;
    const one = await shell.runner.execute('echo x', { timeoutMs: -1 });
    expect(!one.ok && one.error).toMatchObject({ code: 'INVALID_INPUT', dispatched: false });
    const batch = await shell.runner.executeBatch(['echo x'], { maxOutputBytes: 1.5 });
    expect(!batch.ok && batch.error).toMatchObject({ code: 'INVALID_INPUT', dispatched: false });
    expect(shell.typed.length).toBe(typedBefore);
  });

  it('answers an empty batch with no executions, and refuses a batch once the shell has ended', async () => {
    expect(await shell.runner.executeBatch([])).toEqual({ ok: true, value: [] });
    shell.term.kill('SIGKILL');
    await shell.exited;
    const refused = await shell.runner.executeBatch(['echo x']);
    expect(!refused.ok && refused.error.code).toBe('SESSION_NOT_FOUND');
  });
});
