import { type PolicyDecision, type PolicyRequest } from './command-policy';
import { commandPolicy, parseCommandPolicyOptions, type CommandRuleInput } from './command-rules';

const request = (command: string): PolicyRequest => ({
  command,
  sessionId: 's1',
  context: {},
  backendId: 'b1',
  kind: 'command',
});

function verdicts(rules: CommandRuleInput[], commands: string[]): Record<string, string> {
  const policy = commandPolicy({ rules });
  const out: Record<string, string> = {};
  for (const command of commands) {
    const d = policy(request(command)) as PolicyDecision;
    out[command] = typeof d === 'string' ? d : d.decision;
  }
  return out;
}

describe('commandPolicy rules', () => {
  it('matches programs by basename and glob', () => {
    expect(
      verdicts(
        [{ name: 'no-mkfs', program: ['mkfs', 'mkfs.*'] }],
        ['mkfs x', '/sbin/mkfs.ext4 x', 'mkfsx', 'ls'],
      ),
    ).toEqual({ 'mkfs x': 'deny', '/sbin/mkfs.ext4 x': 'deny', mkfsx: 'allow', ls: 'allow' });
  });

  it('matches flags: all (each a flag or alternatives), any and none; short clusters, long prefixes, -long words', () => {
    const rules: CommandRuleInput[] = [
      { name: 'a', program: 'x', flags: { all: [['-r', '-R', '--recursive'], '-f'] } },
      { name: 'b', program: 'y', flags: { any: ['-delete', '--force'] } },
      { name: 'c', program: 'z', flags: { none: ['-n', '--dry-run'] } },
    ];
    expect(
      verdicts(rules, [
        'x -rf',
        'x -f -R',
        'x --recur -f',
        'x -r',
        'x -- -rf',
        'y -delete',
        'y -d',
        'y --fo',
        'z',
        'z -n',
        'z --dry',
      ]),
    ).toEqual({
      'x -rf': 'deny',
      'x -f -R': 'deny',
      'x --recur -f': 'deny',
      'x -r': 'allow',
      'x -- -rf': 'allow',
      'y -delete': 'deny',
      'y -d': 'allow',
      'y --fo': 'deny',
      z: 'deny',
      'z -n': 'allow',
      'z --dry': 'allow',
    });
  });

  it('matches arguments as paths: * stays within a directory, ** crosses them, paths are normalised', () => {
    const rules: CommandRuleInput[] = [
      { name: 'top', program: 'del', args: { any: ['/', '/*'] } },
      { name: 'deep', program: 'wipe', args: { any: ['/data/**'] } },
      { name: 'both', program: 'cp', args: { all: ['/etc/*', '/tmp/*'] } },
      { name: 'not', program: 'ln', args: { none: ['/safe/*'] } },
    ];
    expect(
      verdicts(rules, [
        'del /',
        'del //',
        'del /usr/',
        'del /usr/lib',
        'del /usr/lib/..',
        'del /u*',
        "del '/*'",
        'del usr',
        'wipe /data/a/b/c',
        'wipe /data',
        'cp /etc/passwd /tmp/p',
        'cp /etc/passwd /var/p',
        'ln /safe/a',
        'ln /other',
      ]),
    ).toEqual({
      'del /': 'deny',
      'del //': 'deny',
      'del /usr/': 'deny',
      'del /usr/lib': 'allow',
      'del /usr/lib/..': 'deny',
      'del /u*': 'deny',
      "del '/*'": 'deny',
      'del usr': 'allow',
      'wipe /data/a/b/c': 'deny',
      'wipe /data': 'allow',
      'cp /etc/passwd /tmp/p': 'deny',
      'cp /etc/passwd /var/p': 'allow',
      'ln /safe/a': 'allow',
      'ln /other': 'deny',
    });
  });

  it('matches what a command writes to with a redirection', () => {
    expect(
      verdicts(
        [{ name: 'disk', writesTo: ['/dev/sd*'] }],
        [
          'echo x > /dev/sda',
          'echo x >> /dev/sdb1',
          '> /dev/sda',
          'cat < /dev/sda',
          'ls 2>&1',
          'echo > /tmp/sda',
        ],
      ),
    ).toEqual({
      'echo x > /dev/sda': 'deny',
      'echo x >> /dev/sdb1': 'deny',
      '> /dev/sda': 'deny',
      'cat < /dev/sda': 'allow',
      'ls 2>&1': 'allow',
      'echo > /tmp/sda': 'allow',
    });
  });

  it('answers a rule action, with the rule name and reason', () => {
    const policy = commandPolicy({
      rules: [{ name: 'power', program: 'reboot', action: 'confirm', reason: 'restarts the machine' }],
    });
    expect(policy(request('sudo reboot'))).toEqual({
      decision: 'confirm',
      reason: 'power: restarts the machine',
    });
    expect(policy(request('ls'))).toBe('allow');
  });

  it('lets an uncertain confirm rule ask, not refuse, even when unanalysable is deny', () => {
    const policy = commandPolicy({
      rules: [{ name: 'ask', program: 'reboot', action: 'confirm' }],
      unanalysable: 'deny',
    });
    expect((policy(request('$X now')) as { decision: string }).decision).toBe('confirm');
  });

  it('allows everything when there are no rules, whatever it cannot analyse', () => {
    expect(verdicts([], ['eval "$X"', 'curl x | sh'])).toEqual({
      'eval "$X"': 'allow',
      'curl x | sh': 'allow',
    });
  });

  it('refuses text too long or too nested to analyse in full, as unanalysable', () => {
    const policy = commandPolicy({ rules: [{ name: 'x', program: 'rm' }] });
    expect((policy(request('ls;'.repeat(20_000))) as { decision: string }).decision).toBe('confirm');
  });
});

describe('command rule validation', () => {
  it('names every bad path, as INVALID_CONFIG', () => {
    const r = parseCommandPolicyOptions(
      {
        rules: [
          { name: 'ok', program: 'rm' },
          { name: 'bad flag', flags: { any: ['rf'] } },
          { name: 'empty' },
          { name: 'x', program: 'a/b', action: 'maybe' },
        ],
        unanalysable: 'allow',
        extra: 1,
      },
      'config.commands',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('INVALID_CONFIG');
    expect(r.error.details?.['issues']).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^config\.commands\.rules\[1\]\.name: /),
        expect.stringMatching(/^config\.commands\.rules\[1\]\.flags\.any\[0\]: /),
        expect.stringMatching(/^config\.commands\.rules\[2\]: .*at least one condition/),
        expect.stringMatching(/^config\.commands\.rules\[3\]\.program: /),
        expect.stringMatching(/^config\.commands\.rules\[3\]\.action: /),
        expect.stringMatching(/^config\.commands\.unanalysable: /),
        'config.commands.extra: unknown key',
      ]),
    );
  });

  it('throws INVALID_CONFIG from commandPolicy, which takes rules written in code', () => {
    expect(() => commandPolicy({ rules: [{ name: 'nothing' }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });
});
