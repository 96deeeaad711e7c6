import { eachRealBash } from './real-shell.fixture';

describe('calls whose signal has already aborted (real bash)', () => {
  const bash = eachRealBash();

  it('end a command interrupted without typing it', async () => {
    const typed = bash().typed.join('');
    const r = await bash().runner.execute('echo never-typed', { signal: AbortSignal.abort() });
    expect(r.ok && r.value).toMatchObject({ status: 'interrupted', exitCode: null, output: '' });
    expect(bash().typed.join('')).toBe(typed);
    const next = await bash().runner.execute('echo next');
    expect(next.ok && next.value.output).toBe('next\n');
  });

  it('end every command of a batch interrupted without typing any', async () => {
    const typed = bash().typed.join('');
    const r = await bash().runner.executeBatch(['echo a', 'echo b'], { signal: AbortSignal.abort() });
    expect(r.ok && r.value.map((e) => [e.status, e.exitCode])).toEqual([
      ['interrupted', null],
      ['interrupted', null],
    ]);
    expect(bash().typed.join('')).toBe(typed);
  });
});
