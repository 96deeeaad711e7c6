import { bashDialect } from './bash-dialect';
import { startShell, type RealShell } from './real-shell.fixture';

describe('the end of a real bash session, as the runner reports it', () => {
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

  it('refuses commands after the shell exited, naming how it ended, and runs nothing', async () => {
    const ended = await shell.runner.execute('exit 7');
    expect(ended.ok && ended.value.exitCode).toBe(7);
    await shell.exited;
    const after = await shell.runner.execute('echo never');
    expect(!after.ok && after.error).toMatchObject({ code: 'SESSION_NOT_FOUND', dispatched: false });
    expect(!after.ok && after.error.message).toMatch(/has ended: the shell exited with code 7$/);
    // Closing twice, or abandoning a closed shell, changes nothing.
    shell.runner.close({ exitCode: 0, signal: null });
    shell.runner.abandon('late');
    const again = await shell.runner.execute('echo never');
    expect(!again.ok && again.error.message).toMatch(/exited with code 7$/);
  });

  it('names the signal that killed the shell', async () => {
    shell.term.kill('SIGKILL');
    await shell.exited;
    const after = await shell.runner.execute('echo never');
    expect(!after.ok && after.error.message).toMatch(/killed by signal 9$/);
  });

  it('refuses commands as BUSY after the connection was lost while idle, until interrupt brings it back', async () => {
    shell.runner.abandon('the connection to the shell was lost');
    const busy = await shell.runner.execute('echo hi');
    expect(!busy.ok && busy.error).toMatchObject({ code: 'BUSY', dispatched: false });
    const prompts = shell.printedCount(';P;');
    shell.runner.interrupt();
    await shell.printedSoFar(';P;', prompts + 1);
    const back = await shell.runner.execute('echo back');
    expect(back.ok && back.value.output).toBe('back\n');
  });
});
