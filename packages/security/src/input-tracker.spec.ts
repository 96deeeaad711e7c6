import { InputTracker } from './input-tracker';

const texts = (t: InputTracker, session: string, pane: string | undefined, keys: string) => {
  const plan = t.plan(session, pane, keys);
  plan.commit();
  return plan.checks.map((c) => c.text);
};

describe('InputTracker', () => {
  it('checks a command typed over several calls whole, and a paste line by line', () => {
    const t = new InputTracker(8192, 100);
    expect(texts(t, 's', undefined, 'rm -rf ')).toEqual([]);
    expect(t.pendingText('s')).toEqual(['rm -rf ']);
    expect(texts(t, 's', undefined, '/\n')).toEqual(['rm -rf /']);
    expect(texts(t, 's', undefined, 'echo a\nls -l\n\n')).toEqual(['echo a', 'ls -l']);
    expect(t.pendingText('s')).toEqual([]);
  });

  it('joins the lines of a command the shell still waits to finish', () => {
    const t = new InputTracker(8192, 100);
    expect(texts(t, 's', undefined, "echo '\n")).toEqual(["echo '"]);
    expect(texts(t, 's', undefined, "' ; rm -rf /\n")).toEqual(["echo '\n' ; rm -rf /"]);
    expect(texts(t, 's', undefined, 'ls\n')).toEqual(['ls']);
    expect(texts(t, 's', undefined, 'cat <<EOF\nrm -rf /\nEOF\n')).toEqual([
      'cat <<EOF',
      'cat <<EOF\nrm -rf /',
      'cat <<EOF\nrm -rf /\nEOF',
    ]);
    // Ctrl-C discards the open command as the shell does.
    texts(t, 's', undefined, 'echo "\n');
    expect(texts(t, 's', undefined, '\x03ls\n')).toEqual(['ls']);
  });

  it('stops following a command open over more than twice maxLineBytes: its later lines are guesses until Ctrl-C', () => {
    const t = new InputTracker(16, 100);
    const plan = t.plan('s', undefined, "echo '\naaaaaaaaaaaa\nbbbbbbbbbbbb\nccc\n' ; rm -rf /\n");
    plan.commit();
    expect(plan.checks.map((c) => [c.text, c.untracked])).toEqual([
      ["echo '", null],
      ["echo '\naaaaaaaaaaaa", null],
      ["echo '\naaaaaaaaaaaa\nbbbbbbbbbbbb", null],
      ['ccc', 'a command of more than 32 bytes over several lines'],
      ["' ; rm -rf /", 'a command of more than 32 bytes over several lines'],
    ]);
    expect(t.plan('s', undefined, '\x03ls\n').checks).toEqual([
      { text: 'ls', untracked: null, secret: false },
    ]);
  });

  it('refuses a paste of more than 4096 lines in one call instead of checking each', () => {
    const t = new InputTracker(8192, 100);
    const plan = t.plan('s', undefined, 'ls\n'.repeat(4097));
    expect(plan.checks).toHaveLength(1);
    expect(plan.checks[0]!.refuse).toMatch(/^4097 lines in one call/);
    expect(t.plan('s', undefined, 'ls\n'.repeat(4096)).checks).toHaveLength(4096);
  });

  it('changes nothing until the plan is committed', () => {
    const t = new InputTracker(8192, 100);
    t.plan('s', undefined, 'rm -rf ');
    expect(t.pendingText('s')).toEqual([]);
    const undo = t.plan('s', undefined, 'rm -rf ').commit();
    expect(t.pendingText('s')).toEqual(['rm -rf ']);
    undo();
    expect(t.pendingText('s')).toEqual([]);
  });

  it('does not take back keys typed after the ones that never arrived', () => {
    const t = new InputTracker(8192, 100);
    const undo = t.plan('s', undefined, 'rm ').commit();
    t.plan('s', undefined, '-rf ').commit();
    undo();
    expect(t.pendingText('s')).toEqual(['rm -rf ']);
  });

  it('keeps panes apart, and checks a line with the text pending in another pane of the session (the same pane under another name)', () => {
    const t = new InputTracker(8192, 100);
    texts(t, 's', undefined, 'rm -rf ');
    expect(texts(t, 's', '0', '/\n')).toEqual(['/', 'rm -rf /']);
    expect(texts(t, 'other', '0', '/\n')).toEqual(['/']);
  });

  it('marks a line edited while another pane has text typed as a guess', () => {
    const t = new InputTracker(8192, 100);
    texts(t, 's', undefined, 'rm -rf /x');
    // If '0' is the default pane, this DEL erases the x: what runs is 'rm -rf /', not what either key holds.
    const plan = t.plan('s', '0', '\x7f\n');
    expect(plan.checks.map((c) => [c.text, c.untracked])).toEqual([
      ['rm -rf /x', 'edits while another pane has text typed'],
    ]);
  });

  it('says why a line is a guess: keys a line editor interprets, or too long', () => {
    const t = new InputTracker(16, 100);
    expect(t.plan('s', undefined, 'ls\x1b[A\n').checks[0]!.untracked).toMatch(/line editor/);
    expect(t.plan('s', undefined, `${'x'.repeat(20)}\n`).checks[0]!.untracked).toMatch(
      /longer than 16 bytes/,
    );
  });

  it.each([
    'sudo -S apt-get update',
    'passwd',
    'read -s pw',
    'mysql -u root -p app',
    'docker login reg.example',
  ])('masks the three lines typed after %j (passwd asks three times)', (command) => {
    const t = new InputTracker(8192, 100);
    texts(t, 's', undefined, `${command}\n`);
    const plan = t.plan('s', undefined, 'hunter2\nhunter2\nhunter2\nls\n');
    expect(plan.checks.map((c) => c.secret)).toEqual([true, true, true, false]);
  });

  it('does not mask what follows an ordinary command', () => {
    const t = new InputTracker(8192, 100);
    texts(t, 's', undefined, 'ls\n');
    expect(t.plan('s', undefined, 'pwd\n').checks[0]!.secret).toBe(false);
  });

  it('masks what is typed after a command sent with executeCommand reads a password, and not otherwise', () => {
    const t = new InputTracker(8192, 100);
    t.commandSent('s', undefined, 'sudo -S ls /root');
    expect(t.plan('s', '0', 'hunter2\n').checks[0]!.secret).toBe(true);
    t.commandSent('s', undefined, 'ls');
    expect(t.plan('s', '0', 'echo\n').checks[0]!.secret).toBe(false);
    expect(t.plan('s', '0', 'sudo -n ls\n').checks[0]!.secret).toBe(false);
  });

  it('forgets the line a command consumed, and a closed session', () => {
    const t = new InputTracker(8192, 100);
    texts(t, 's', undefined, 'rm -rf ');
    t.commandSent('s', undefined, 'true');
    expect(t.pendingText('s')).toEqual([]);
    texts(t, 's', undefined, 'x');
    t.forgetSession('s');
    expect(t.pendingText('s')).toEqual([]);
  });

  it('follows at most maxPanes panes, forgetting the least recently used session', () => {
    const t = new InputTracker(8192, 2);
    texts(t, 'a', undefined, 'x');
    texts(t, 'b', undefined, 'y');
    texts(t, 'a', undefined, 'z');
    texts(t, 'c', undefined, 'w');
    expect([t.pendingText('a'), t.pendingText('b'), t.pendingText('c')]).toEqual([['xz'], [], ['w']]);
  });
});
