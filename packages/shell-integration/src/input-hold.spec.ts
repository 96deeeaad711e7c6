import { bashDialect } from './bash-dialect';
import { eachRealBash, spawnShell } from './real-shell.fixture';

// Which way `sendInput` goes depends on where the command is when the keys come: held while its text is
// on its way (or waits its turn), typed at once when it reads the terminal. Each test puts the command in
// one place on purpose (by waiting for the mark that moves it there), so no path depends on timing.
describe('keys for a command, by where the command is (real bash)', () => {
  const bash = eachRealBash();

  it('types keys at once for a command that has started, and it reads them', async () => {
    const pending = bash().runner.execute('read -r x; echo "got:$x"');
    await bash().printedSoFar(';S;');
    bash().runner.sendInput('hello\n');
    // Written in the same call: nothing holds keys for a command that already reads the terminal.
    expect(bash().typed.at(-1)).toBe('hello\n');
    const r = await pending;
    expect(r.ok && r.value).toMatchObject({ status: 'completed', exitCode: 0, output: 'got:hello\n' });
  });

  it('types keys at once for an incomplete command typed raw, and they complete it', async () => {
    const pending = bash().runner.execute('cat << EOF');
    // The prompt after the "incomplete" answer is when the runner types the text raw (often in one chunk).
    await bash().printedUntil(() => {
      const printed = Buffer.concat(bash().printed).toString('latin1');
      const incomplete = printed.indexOf(';I;');
      return incomplete !== -1 && printed.indexOf(';P;', incomplete) !== -1;
    }, 'the incomplete mark, then a prompt');
    bash().runner.sendInput('body\nEOF\n');
    expect(bash().typed.at(-1)).toBe('body\nEOF\n');
    const r = await pending;
    expect(r.ok && r.value).toMatchObject({ status: 'completed', exitCode: 0, output: 'body\n' });
  });

  it('holds keys sent before an incomplete command is known to be one, and types them after its text', async () => {
    const pending = bash().runner.execute('cat << EOF');
    bash().runner.sendInput('held\nEOF\n');
    expect(bash().typed.at(-1)).not.toBe('held\nEOF\n');
    const r = await pending;
    expect(r.ok && r.value).toMatchObject({ status: 'completed', exitCode: 0, output: 'held\n' });
    const typed = bash().typed.join('');
    expect(typed.indexOf('held\nEOF\n')).toBeGreaterThan(typed.lastIndexOf('cat << EOF'));
  });
});

describe('keys for a command queued while the shell starts (real bash)', () => {
  it('holds them for that command, typed once it reads, never into the bootstrap', async () => {
    const shell = spawnShell('bash', bashDialect);
    try {
      const pending = shell.runner.execute('read -r x; echo "got:$x"');
      shell.runner.sendInput('queued\n');
      const r = await pending;
      expect(r.ok && r.value).toMatchObject({ status: 'completed', exitCode: 0, output: 'got:queued\n' });
      // Typed on its own, after the command line: the keys were the command's input.
      const at = shell.typed.indexOf('queued\n');
      expect(at).toBeGreaterThan(shell.typed.findIndex((t) => t.includes('read -r x')));
      expect((await shell.runner.ready(1)).ok).toBe(true);
    } finally {
      shell.term.kill('SIGKILL');
      await shell.exited;
    }
  });
});
