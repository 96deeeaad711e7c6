import { eachRealBash } from './real-shell.fixture';

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
});
