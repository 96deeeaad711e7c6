import { runCli } from '../test-support/cli-process.fixture';

// Against the real Docker Engine: nothing can be pulled from the internet here, so the error path.
describe('vth image pull', () => {
  it('exits 1 with UNAVAILABLE and the reason for a registry that cannot be reached, quietly in a pipe', async () => {
    const run = await runCli(['image', 'pull', 'vth-unreachable.invalid/nothing:1']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^vth: UNAVAILABLE: cannot pull vth-unreachable\.invalid\/nothing:1: .+\n$/);
  });

  it('exits 2 for a malformed reference, without asking the engine', async () => {
    const run = await runCli(['image', 'pull', 'not a ref']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('vth: INVALID_INPUT: not an image reference: "not a ref"\n');
  });

  it('exits 1 naming the engine when there is none at DOCKER_HOST', async () => {
    const run = await runCli(['image', 'pull', 'debian:12'], {
      env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^vth: UNAVAILABLE: .*\/nonexistent\/docker\.sock/);
  });
});
