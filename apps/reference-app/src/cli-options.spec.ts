import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { leftoverProcesses, runCli, type CliRun } from './test-support/cli-process.fixture';

async function cli(args: string[], options: Parameters<typeof runCli>[1] = {}): Promise<CliRun> {
  const run = await runCli(args, options);
  expect(leftoverProcesses(run.tag)).toEqual([]);
  return run;
}

describe('--env KEY=VALUE', () => {
  it('exec: the session gets each variable, values with spaces and "=" intact', async () => {
    const run = await cli([
      'exec',
      '--env',
      'VTH_A=one',
      '--env',
      'VTH_B=two words=2',
      '--',
      'echo "$VTH_A|$VTH_B"',
    ]);
    expect(run).toMatchObject({ code: 0, stdout: 'one|two words=2\n' });
  });

  it('shell: the session gets the variables for every line', async () => {
    const run = await cli(['shell', '--env', 'VTH_C=kept'], { input: 'echo "$VTH_C"\necho "$VTH_C"\n' });
    expect(run).toMatchObject({ code: 0, stdout: 'kept\nkept\n' });
  });

  it.each([['NOEQUALS'], ['1BAD=x'], ['A-B=x'], ['=x']])(
    '%s is a usage error: exit 2, nothing runs',
    async (bad) => {
      for (const command of [
        ['exec', '--env', bad, '--', 'echo ran'],
        ['shell', '--env', bad],
      ]) {
        const run = await cli(command, { input: 'echo ran\n' });
        expect(run.code).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).toContain('--env');
      }
    },
  );
});

describe('durations', () => {
  it.each(['300ms', '1s', '0.3s'])('--timeout %s ends a long command with 124', async (timeout) => {
    const run = await cli(['exec', '--timeout', timeout, '--', 'sleep 30']);
    expect(run.code).toBe(124);
  });

  it('--timeout 2m lets a quick command finish', async () => {
    const run = await cli(['exec', '--timeout', '2m', '--', 'echo done']);
    expect(run).toMatchObject({ code: 0, stdout: 'done\n' });
  });

  it('a malformed duration is a usage error naming the forms', async () => {
    const run = await cli(['exec', '--timeout', '5x', '--', 'true']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('30s');
  });
});

describe('vth config schema', () => {
  it("prints the config file's JSON Schema, the one shipped as config.schema.json", async () => {
    const run = await cli(['config', 'schema']);
    expect(run.code).toBe(0);
    const shipped = readFileSync(path.join(__dirname, '..', 'config.schema.json'), 'utf8');
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(shipped));
  });
});
