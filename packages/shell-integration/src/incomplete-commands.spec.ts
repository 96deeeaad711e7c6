import { eachRealBash } from './real-shell.fixture';

describe('incomplete commands (real bash)', () => {
  const bash = eachRealBash();

  it('refuses an incomplete command too long to type into the terminal, running nothing', async () => {
    const r = await bash().runner.execute(`echo "${'x'.repeat(5000)}`);
    expect(!r.ok && r.error).toMatchObject({ code: 'INVALID_INPUT', dispatched: false });
    expect(!r.ok && r.error.message).toMatch(/^the command is incomplete .* nothing ran$/);
    const next = await bash().runner.execute('echo next');
    expect(next.ok && next.value.output).toBe('next\n');
  });

  it('ends an incomplete command typed raw when it times out, and the shell takes the next one', async () => {
    const r = await bash().runner.execute('cat <<EOF\nnever closed', { timeoutMs: 300 });
    expect(r.ok && r.value.status).toBe('timed-out');
    const next = await bash().runner.execute('echo next');
    expect(next.ok && next.value.output).toBe('next\n');
  });
});
