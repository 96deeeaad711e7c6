import { PROGRAM_PROFILE_ENV, profileEnvironment } from './session-profile';
import { shellEnvironment } from './shell-environment';

describe('shellEnvironment', () => {
  const base = {
    HOME: '/home/u',
    PAGER: 'less',
    PROMPT_COMMAND: 'echo hook',
    __vth_nonce: 'secret',
    'BASH_FUNC___vth_mark%%': '() { :; }',
    UNSET: undefined,
  };

  it("inherits the base without vth's own hook variables, and with the program profile on top", () => {
    const env = shellEnvironment({ inherit: true, base });
    expect(env['HOME']).toBe('/home/u');
    expect(env['PAGER']).toBe('cat');
    expect(env['GIT_TERMINAL_PROMPT']).toBe('0');
    for (const hook of ['PROMPT_COMMAND', '__vth_nonce', 'BASH_FUNC___vth_mark%%', 'UNSET'])
      expect(env).not.toHaveProperty([hook]);
  });

  it('starts empty without inherit, and applies layers in order, later ones winning, then TERM', () => {
    const env = shellEnvironment({
      inherit: false,
      profile: 'terminal',
      layers: [{ A: 'backend', B: 'backend' }, undefined, { B: 'session' }],
      term: 'xterm-256color',
    });
    expect(env).toEqual({ A: 'backend', B: 'session', TERM: 'xterm-256color', LANG: 'C.UTF-8' });
  });

  it('sets LANG=C.UTF-8 only when neither LANG nor LC_ALL is set', () => {
    expect(shellEnvironment({ inherit: false, layers: [{ LANG: 'de_DE.UTF-8' }] })['LANG']).toBe(
      'de_DE.UTF-8',
    );
    const withLcAll = shellEnvironment({ inherit: false, profile: 'terminal', layers: [{ LC_ALL: 'C' }] });
    expect(withLcAll).toEqual({ LC_ALL: 'C' });
  });

  it("inherits this process's environment when given no base", () => {
    expect(shellEnvironment({ inherit: true })['PATH']).toBe(process.env['PATH']);
  });

  it("lets the backend's and the session's env override the profile", () => {
    expect(shellEnvironment({ inherit: false, layers: [{ PAGER: 'more' }] })['PAGER']).toBe('more');
  });
});

describe('profileEnvironment', () => {
  it('gives the program profile its non-interactive variables as a copy, and the terminal profile none', () => {
    const program = profileEnvironment('program');
    expect(program).toEqual(PROGRAM_PROFILE_ENV);
    program['PAGER'] = 'less';
    expect(PROGRAM_PROFILE_ENV['PAGER']).toBe('cat');
    expect(profileEnvironment('terminal')).toEqual({});
  });
});
