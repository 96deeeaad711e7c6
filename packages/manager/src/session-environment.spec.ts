import { spawnSync } from 'node:child_process';
import { SessionEnvironment } from './session-environment';

const BASE_ENV = { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C' };

/** Runs `script` in a real bash started with `env`, then prints the variables `names` as bash sees them. */
function bashState(env: Record<string, string>, script: string, names: string[]): string {
  // Builtins only: the script may have changed PATH.
  const report = names.map((n) => `declare -p ${n} 2>/dev/null || echo "${n} unset"`).join('\n');
  const run = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', `${script}\n${report}`], {
    env,
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  return run.stdout;
}

/**
 * The real check: the commands run in one bash; a second bash starts from the snapshot (its env and its
 * script) and must end up with the same variables, exported the same way.
 */
function expectSameShellState(
  creationEnv: Record<string, string>,
  commands: string[],
  names: string[],
): void {
  const tracker = new SessionEnvironment(creationEnv);
  for (const command of commands) tracker.observe(command, 'completed', 0);
  const snap = tracker.snapshot();
  expect(snap.untracked).toEqual([]);
  const original = bashState({ ...BASE_ENV, ...creationEnv }, commands.join('\n'), names);
  const restored = bashState({ ...BASE_ENV, ...snap.env }, snap.script ?? ':', names);
  expect(restored).toBe(original);
}

describe('SessionEnvironment', () => {
  it('keeps the creation env when nothing changes it', () => {
    const env = new SessionEnvironment({ A: 'one two', B: "it's" });
    env.observe('ls -la && echo done', 'completed', 0);
    expect(env.snapshot()).toEqual({ env: { A: 'one two', B: "it's" }, script: undefined, untracked: [] });
  });

  it('follows exports with every quoting style', () => {
    const env = new SessionEnvironment();
    env.observe(
      `export A=plain B='single quoted' C="double \\"q\\" \\$x" D=$'tab\\there' E=a\\ b`,
      'completed',
      0,
    );
    expect(env.snapshot().env).toEqual({
      A: 'plain',
      B: 'single quoted',
      C: 'double "q" $x',
      D: 'tab\there',
      E: 'a b',
    });
  });

  it('resolves references to known variables and keeps the others as references', () => {
    expectSameShellState(
      { TOOL: '/opt/tool' },
      [
        'export TOOL_BIN=$TOOL/bin',
        'export PATH="$TOOL_BIN:$PATH"',
        'X=1; export X',
        'export PATH=$PATH:/extra',
      ],
      ['TOOL', 'TOOL_BIN', 'PATH', 'X'],
    );
  });

  it('restores shell variables, un-exports, appends and unsets like bash', () => {
    expectSameShellState(
      { KEEP: 'k', DROP: 'd', MOVE: 'm' },
      [
        'LOCALVAR="not exported"',
        'unset DROP',
        'export -n MOVE',
        'LIST=a; LIST+=b; export LIST',
        'unset HOME',
        'declare -x DECL=yes',
        'export LANG=$HOME/x',
      ],
      ['KEEP', 'DROP', 'MOVE', 'LOCALVAR', 'LIST', 'HOME', 'DECL', 'LANG'],
    );
  });

  it('captures starting values a later line reassigns (A refers to the old PATH)', () => {
    expectSameShellState({}, ['export OLD=$PATH', 'export PATH=/new'], ['OLD', 'PATH']);
    expectSameShellState({}, ['export SAVED=$HOME', 'export HOME=/elsewhere'], ['SAVED', 'HOME']);
  });

  it('ignores assignments that do not outlive their command: prefixes, subshells, pipelines, background', () => {
    const env = new SessionEnvironment();
    env.observe('A=1 make', 'completed', 0);
    env.observe('(export B=2)', 'completed', 0);
    env.observe('export C=3 | cat', 'completed', 0);
    env.observe('export D=4 &', 'completed', 0);
    env.observe('echo "export E=5"', 'completed', 0);
    env.observe('# export F=6', 'completed', 0);
    expect(env.snapshot()).toEqual({ env: {}, script: undefined, untracked: [] });
  });

  it('names what it cannot follow instead of guessing', () => {
    const env = new SessionEnvironment({ KEPT: 'x' });
    env.observe('export TOKEN=$(cat /secret)', 'completed', 0);
    env.observe('if true; then export COND=1; fi', 'completed', 0);
    env.observe('false || export OR=1', 'completed', 0);
    env.observe('make && export AND=1', 'completed', 2);
    env.observe('export LATE=1', 'timed-out', null);
    env.observe('source ./venv/bin/activate', 'completed', 0);
    env.observe('export GLOB=*.txt', 'completed', 0);
    const snap = env.snapshot();
    expect(snap.env).toEqual({ KEPT: 'x' });
    expect(snap.untracked.sort()).toEqual(
      ['AND', 'COND', 'GLOB', 'LATE', 'OR', 'TOKEN', 'source ./venv/bin/activate'].sort(),
    );
  });

  it('a later certain assignment makes an untracked variable known again', () => {
    const env = new SessionEnvironment();
    env.observe('export T=$(date)', 'completed', 0);
    env.observe('export T=fixed', 'completed', 0);
    expect(env.snapshot()).toEqual({ env: { T: 'fixed' }, script: undefined, untracked: [] });
  });

  it('a && chain that succeeded applies every export in it', () => {
    const env = new SessionEnvironment();
    env.observe('cd /tmp && export A=1 && export B=2', 'completed', 0);
    expect(env.snapshot().env).toEqual({ A: '1', B: '2' });
  });

  it('quotes values with quotes, newlines and dollars safely in the script', () => {
    expectSameShellState(
      {},
      [`export Q="it's \\"here\\" \\$HOME"$PATH`, "NL=$'line1\\nline2'", `export NL`],
      ['Q', 'NL'],
    );
  });
});
