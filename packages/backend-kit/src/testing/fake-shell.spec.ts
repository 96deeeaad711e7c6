import { fakeShellHandler, type FakeShellState } from './fake-shell';

function shell(): FakeShellState {
  return { sessionId: 's', cwd: '/home/fake', env: { HOME: '/home/fake' }, lastExitCode: 0 };
}

describe('fakeShellHandler', () => {
  it('echoes, with and without a newline, and answers true and false', () => {
    const sh = shell();
    expect(fakeShellHandler('echo hello   world', sh)).toEqual({ output: 'hello world\n', exitCode: 0 });
    expect(fakeShellHandler('echo -n hi', sh)).toEqual({ output: 'hi', exitCode: 0 });
    expect(fakeShellHandler('true', sh)).toEqual({ output: '', exitCode: 0 });
    expect(fakeShellHandler('false', sh)).toEqual({ output: '', exitCode: 1 });
    expect(fakeShellHandler('echo $?', sh)).toEqual({ output: '1\n', exitCode: 0 });
  });

  it('changes directory, relative and absolute, and prints it', () => {
    const sh = shell();
    fakeShellHandler('cd /srv/app', sh);
    fakeShellHandler('cd ../logs', sh);
    expect(sh.cwd).toBe('/srv/logs');
    expect(fakeShellHandler('pwd', sh).output).toBe('/srv/logs\n');
    fakeShellHandler('cd', sh);
    expect(sh.cwd).toBe('/home/fake');
  });

  it('remembers exported and assigned variables and expands them, except in single quotes', () => {
    const sh = shell();
    fakeShellHandler('export A=one B="two words"', sh);
    fakeShellHandler('C=3', sh);
    expect(fakeShellHandler('echo $A "${B}" $C \'$A\' $MISSING.', sh).output).toBe('one two words 3 $A .\n');
    fakeShellHandler('unset A', sh);
    expect(fakeShellHandler('echo "[$A]"', sh).output).toBe('[]\n');
    expect(fakeShellHandler('export 1X=2', sh).exitCode).toBe(1);
  });

  it('expands ${A-word} when A is unset and ${A:-word} when it is unset or empty', () => {
    const sh = shell();
    fakeShellHandler('export SET=x EMPTY=', sh);
    expect(
      fakeShellHandler('echo ${SET-d} ${UNSET-d} "[${EMPTY-d}]" ${EMPTY:-e} ${UNSET:-e}', sh).output,
    ).toBe('x d [] e e\n');
  });

  it('runs lines joined by ;, && and ||, expanding each part when it runs', () => {
    const sh = shell();
    expect(fakeShellHandler('export A=1; echo $A && false || echo recovered; echo "a;b&&c"', sh)).toEqual({
      output: '1\nrecovered\na;b&&c\n',
      exitCode: 0,
    });
    expect(fakeShellHandler('false && echo never', sh)).toEqual({ output: '', exitCode: 1 });
  });

  it('does not know other commands', () => {
    expect(fakeShellHandler('ls -la', shell())).toEqual({
      output: 'fake: ls: command not found\n',
      exitCode: 127,
    });
  });
});
