import { eachRealBash } from './real-shell.fixture';

describe("a real bash runner's state and argument checks", () => {
  const bash = eachRealBash();

  it('is busy while a command runs or waits, and not once they are done', async () => {
    expect(bash().runner.busy).toBe(false);
    const first = bash().runner.execute('echo one');
    const second = bash().runner.execute('echo two');
    expect(bash().runner.busy).toBe(true);
    await Promise.all([first, second]);
    expect(bash().runner.busy).toBe(false);
    expect(bash().runner.closed).toBe(false);
  });

  it('answers ready at once when the shell is up, and with the reason once it has ended', async () => {
    expect(await bash().runner.ready(1)).toEqual({ ok: true, value: undefined });
    bash().term.kill('SIGKILL');
    await bash().exited;
    expect(bash().runner.closed).toBe(true);
    const ready = await bash().runner.ready(1);
    expect(!ready.ok && ready.error).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
  });

  it('refuses a malformed context before anything is typed, for one command and for a batch', async () => {
    const typedBefore = bash().typed.length;
    const one = await bash().runner.execute('echo x', { timeoutMs: -1 });
    expect(!one.ok && one.error).toMatchObject({ code: 'INVALID_INPUT', dispatched: false });
    const batch = await bash().runner.executeBatch(['echo x'], { maxOutputBytes: 1.5 });
    expect(!batch.ok && batch.error).toMatchObject({ code: 'INVALID_INPUT', dispatched: false });
    expect(bash().typed.length).toBe(typedBefore);
  });

  it('answers an empty batch with no executions, and refuses a batch once the shell has ended', async () => {
    expect(await bash().runner.executeBatch([])).toEqual({ ok: true, value: [] });
    bash().term.kill('SIGKILL');
    await bash().exited;
    const refused = await bash().runner.executeBatch(['echo x']);
    expect(!refused.ok && refused.error.code).toBe('SESSION_NOT_FOUND');
  });
});
