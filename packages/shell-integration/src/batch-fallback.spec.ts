import { eachRealBash } from './real-shell.fixture';

describe('batches that cannot be typed as one line (real bash)', () => {
  const bash = eachRealBash();

  it('runs a batch holding a multi-line command one command at a time, in order', async () => {
    const r = await bash().runner.executeBatch(['echo a', 'for i in 1 2; do\necho $i\ndone', 'echo b']);
    expect(r.ok && r.value.map((e) => e.output)).toEqual(['a\n', '1\n2\n', 'b\n']);
  });

  it('runs a batch longer than one terminal line one command at a time', async () => {
    const long = `echo ${'x'.repeat(3000)}`;
    const r = await bash().runner.executeBatch([long, long]);
    expect(r.ok && r.value.map((e) => e.output.length)).toEqual([3001, 3001]);
  });
});
