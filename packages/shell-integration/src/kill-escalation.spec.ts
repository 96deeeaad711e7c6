import { eachRealBash } from './real-shell.fixture';

describe('stopping a command that ignores SIGINT and SIGTERM (real bash)', () => {
  const bash = eachRealBash();

  it('escalates to SIGKILL, and the shell takes the next command', async () => {
    const r = await bash().runner.execute("trap '' INT TERM; sleep 30; echo after=$?; trap - INT TERM", {
      timeoutMs: 100,
    });
    expect(r.ok && r.value.status).toBe('timed-out');
    expect(r.ok && r.value.output).toContain('after=137');
    const next = await bash().runner.execute('echo next');
    expect(next.ok && next.value.output).toBe('next\n');
  });
});
