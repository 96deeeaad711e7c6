import { eachRealBash } from './real-shell.fixture';

describe('interrupt and resync with nothing running (real bash)', () => {
  const bash = eachRealBash();

  it('types nothing into an idle shell, so no Ctrl-C can race the next command', async () => {
    const typed = bash().typed.length;
    bash().runner.interrupt();
    bash().runner.resync();
    expect(bash().typed.length).toBe(typed);
    const next = await bash().runner.execute('echo next');
    expect(next.ok && next.value.output).toBe('next\n');
  });

  it('types nothing once the shell has ended', async () => {
    bash().term.kill('SIGKILL');
    await bash().exited;
    const typed = bash().typed.length;
    bash().runner.interrupt();
    bash().runner.resync();
    expect(bash().typed.length).toBe(typed);
  });

  it('brings back a shell left wedged by a lost connection with resync, when it is known to be idle', async () => {
    bash().runner.abandon('the connection to the shell was lost');
    const prompts = bash().printedCount(';P;');
    bash().runner.resync();
    await bash().printedSoFar(';P;', prompts + 1);
    const back = await bash().runner.execute('echo back');
    expect(back.ok && back.value.output).toBe('back\n');
  });
});
