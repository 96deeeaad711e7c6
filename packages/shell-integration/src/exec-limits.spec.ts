import { spawnSync } from 'node:child_process';
import { execLimitProblem } from './exec-limits';

describe('execLimitProblem', () => {
  it('lets an ordinary environment through', () => {
    expect(execLimitProblem({ HOME: '/root', PATH: '/bin' }, ['/bin/bash', '--norc'])).toBeNull();
  });

  it("refuses, with sizes and a remedy, what this system's execve would refuse (E2BIG)", () => {
    // Many variables each under the one-string limit, together well over any ARG_MAX (at most 6 MiB).
    const env = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`V${i}`, 'x'.repeat(120 * 1024)]));
    const problem = execLimitProblem(env, ['/bin/bash']);
    expect(problem).toMatch(
      /^the shell's environment and arguments take \d+ bytes, over this system's limit of \d+/,
    );
    expect(problem).toContain('inheritEnv: false');
    // The real execve agrees: it refuses the same environment.
    const run = spawnSync('/bin/true', [], { env });
    expect(run.error).toMatchObject({ code: 'E2BIG' });
  });

  it('counts the arguments too', () => {
    const arg = 'y'.repeat(100 * 1024);
    expect(
      execLimitProblem(
        {},
        Array.from({ length: 80 }, () => arg),
      ),
    ).not.toBeNull();
  });
});
