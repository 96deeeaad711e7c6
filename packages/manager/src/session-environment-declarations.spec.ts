import { SessionEnvironment } from './session-environment';

/** The snapshot after `commands` all completed with exit code 0. */
function after(commands: string[], creationEnv: Record<string, string> = {}) {
  const env = new SessionEnvironment(creationEnv);
  for (const command of commands) env.observe(command, 'completed', 0);
  return env.snapshot();
}

describe('SessionEnvironment: declare, export and unset flags', () => {
  it('exports a shell variable named by export, and remembers a name exported before it is set', () => {
    expect(after(['A=1', 'export A', 'export LATER'])).toEqual({
      env: { A: '1' },
      script: 'export LATER',
      untracked: [],
    });
  });

  it('un-exports with declare +x, keeping the value as a shell variable', () => {
    expect(after(['export A=1', 'declare +x A'])).toEqual({ env: {}, script: "A='1'", untracked: [] });
    expect(after(['export LATER', 'export -n LATER'])).toEqual({ env: {}, script: undefined, untracked: [] });
  });

  it('reads export -n NAME=value as an assignment that is not exported', () => {
    expect(after(['export -n B=2'])).toEqual({ env: {}, script: "B='2'", untracked: [] });
  });

  it('leaves function declarations and listings alone', () => {
    expect(after(['declare -f', 'export -p', 'export -f myfn', 'unset -f myfn'], { K: 'v' })).toEqual({
      env: { K: 'v' },
      script: undefined,
      untracked: [],
    });
  });

  it('unsets each named variable, skipping option words', () => {
    expect(after(['unset -v A B', 'C=1', 'unset C'], { A: 'a', B: 'b' })).toEqual({
      env: {},
      script: 'unset A; unset B; unset C',
      untracked: [],
    });
  });

  it('names an export whose name is computed, rather than guess it', () => {
    expect(after(['export "$NAME"=1']).untracked).toEqual(['"$NAME"=1']);
  });

  it('appends to a variable it does not know as a reference to it', () => {
    expect(after(['export PATH+=:/opt/bin'])).toEqual({
      env: {},
      // PATH is read before it is set, so its starting value is saved first.
      script:
        `__vth_saved_PATH="\${PATH-}"; export PATH="\${__vth_saved_PATH-}"':/opt/bin'; ` +
        'unset __vth_saved_PATH',
      untracked: [],
    });
  });

  it('keeps an appended-to variable that was unset empty, not the old value', () => {
    expect(after(['unset X', 'export X+=new'], { X: 'old' }).env).toEqual({ X: 'new' });
  });

  it('names a script read with `.` as it does one read with `source`: either can set anything', () => {
    expect(after(['. ./venv/bin/activate']).untracked).toEqual(['source ./venv/bin/activate']);
    expect(after(['cd /app && . ./env.sh']).untracked).toEqual(['source ./env.sh']);
    expect(after(['ls ./x.txt', 'echo .', 'cat ../a']).untracked).toEqual([]);
  });

  it('names sourced scripts and the variables of uncertain declarations', () => {
    const env = new SessionEnvironment();
    env.observe('if true; then declare -x D=1 E; fi', 'completed', 0);
    env.observe('{ source ./other.sh; }', 'completed', 0);
    env.observe('make && A=1 B=2', 'completed', 2);
    expect(env.snapshot().untracked.sort()).toEqual(['A', 'B', 'D', 'E', 'source ./other.sh']);
  });

  // Found by the property test against real bash (session-environment.property.spec.ts).
  it('follows NAME+=value, the way PATH is usually extended', () => {
    expect(after(['A=1', 'A+=2'])).toEqual({ env: {}, script: "A='1''2'", untracked: [] });
    expect(after(['PATH+=:/opt/bin'], { PATH: '/usr/bin' })).toEqual({
      env: { PATH: '/usr/bin:/opt/bin' },
      script: undefined,
      untracked: [],
    });
  });

  it('follows an assignment whose whole value is a reference (K=$A)', () => {
    expect(after(['K=$A'], { K: 'start' })).toEqual({ env: {}, script: 'export K="${A-}"', untracked: [] });
  });

  it('unsets before it exports by name: unset B; export B leaves B exported with no value', () => {
    expect(after(['unset B', 'export B'], { B: 'b' })).toEqual({
      env: {},
      script: 'unset B; export B',
      untracked: [],
    });
  });
});
