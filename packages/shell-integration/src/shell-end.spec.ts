import { bashDialect } from './bash-dialect';
import { ShellCommandRunner } from './command-runner';
import { eachRealBash, spawnShell } from './real-shell.fixture';

describe('the end of a real bash session, as the runner reports it', () => {
  const bash = eachRealBash();

  it('refuses commands after the shell exited, naming how it ended, and runs nothing', async () => {
    const ended = await bash().runner.execute('exit 7');
    expect(ended.ok && ended.value.exitCode).toBe(7);
    await bash().exited;
    const after = await bash().runner.execute('echo never');
    expect(!after.ok && after.error).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
    expect(!after.ok && after.error.message).toMatch(/has ended: the shell exited with code 7$/);
    // Closing twice, or abandoning a closed shell, changes nothing.
    bash().runner.close({ exitCode: 0, signal: null });
    bash().runner.abandon('late');
    const again = await bash().runner.execute('echo never');
    expect(!again.ok && again.error.message).toMatch(/exited with code 7$/);
  });

  it('names the signal that killed the shell', async () => {
    bash().term.kill('SIGKILL');
    await bash().exited;
    const after = await bash().runner.execute('echo never');
    expect(!after.ok && after.error.message).toMatch(/killed by signal 9$/);
  });

  it('refuses commands as BUSY after the connection was lost while idle, until interrupt brings it back', async () => {
    bash().runner.abandon('the connection to the shell was lost');
    const busy = await bash().runner.execute('echo hi');
    expect(!busy.ok && busy.error).toMatchObject({ code: 'BUSY', dispatched: false });
    const prompts = bash().printedCount(';P;');
    bash().runner.interrupt();
    await bash().printedSoFar(';P;', prompts + 1);
    const back = await bash().runner.execute('echo back');
    expect(back.ok && back.value.output).toBe('back\n');
  });

  it('ends a running command interrupted, not lost, when the backend ends the session on purpose', async () => {
    const pending = bash().runner.execute('echo begun; sleep 30');
    await bash().printedSoFar('begun');
    // What destroySession does: mark, end the shell, report the end as intended.
    bash().runner.markClosing();
    bash().runner.markClosing(); // twice changes nothing
    bash().runner.close({ exitCode: null, signal: 9, intentional: true });
    const r = await pending;
    expect(r.ok && r.value).toMatchObject({ status: 'interrupted', exitCode: null, output: 'begun\n' });
  });

  it('completes a command with the status of a shell that exited normally when its exit mark was lost', async () => {
    const pending = bash().runner.execute('echo begun; sleep 30');
    await bash().printedSoFar('begun');
    // The transport saw the shell exit with 3 and no mark came: the command ended the shell (`exit 3`).
    bash().runner.close({ exitCode: 3, signal: null });
    const r = await pending;
    expect(r.ok && r.value).toMatchObject({ status: 'completed', exitCode: 3, output: 'begun\n' });
  });
});

describe('a shell that ends while it starts (real bash)', () => {
  it('answers ready with UNAVAILABLE and the reason, and refuses commands undispatched', async () => {
    const shell = spawnShell('bash', bashDialect);
    const ready = shell.runner.ready(10_000);
    // Killed before the runner could even type its bootstrap: no prompt can have come.
    shell.term.kill('SIGKILL');
    await shell.exited;
    const r = await ready;
    expect(!r.ok && r.error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(!r.ok && r.error.message).toMatch(
      /^the shell ended before it was ready: the shell was killed by signal 9$/,
    );
    const after = await shell.runner.execute('echo never');
    expect(!after.ok && after.error).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
  });
});

describe('a runner given a nonce it cannot put in a mark', () => {
  it.each(['abc', 'a;b;c;d', 'x'.repeat(65), 'nonce\x07'])('refuses %j at construction', (nonce) => {
    expect(
      () =>
        new ShellCommandRunner({
          transport: { write: () => undefined },
          dialect: bashDialect,
          sessionId: 's1',
          paneId: '0',
          backendId: 'test',
          nonce,
        }),
    ).toThrow(new TypeError('nonce must be 4-64 letters and digits'));
  });
});
