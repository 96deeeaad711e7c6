import { denyPatterns, evaluatePolicy, type CommandPolicy, type PolicyRequest } from './command-policy';

const request = (command: string): PolicyRequest => ({
  command,
  sessionId: 's1',
  paneId: '0',
  context: { userId: 'alice', source: 'voice' },
  backendId: 'b1',
  kind: 'command',
});

describe('evaluatePolicy', () => {
  it.each([
    ['allow', { allowed: true }],
    [{ decision: 'allow', reason: 'fine' }, { allowed: true }],
    ['deny', { allowed: false, decision: 'deny', reason: 'no reason given' }],
    [
      { decision: 'deny', reason: 'not on Fridays' },
      { allowed: false, decision: 'deny', reason: 'not on Fridays' },
    ],
  ] as const)('%j -> %j', async (answer, expected) => {
    expect(await evaluatePolicy(() => answer, request('ls'))).toEqual(expected);
  });

  it('hands the policy the whole request', async () => {
    const policy = jest.fn<ReturnType<CommandPolicy>, Parameters<CommandPolicy>>(() => 'allow');
    await evaluatePolicy(policy, request('ls'));
    expect(policy).toHaveBeenCalledWith(request('ls'));
  });

  it('awaits async policies', async () => {
    const policy: CommandPolicy = async () => ({ decision: 'deny', reason: 'later' });
    expect(await evaluatePolicy(policy, request('ls'))).toMatchObject({ allowed: false, reason: 'later' });
  });

  it('asks the confirm handler for "confirm", with the reason', async () => {
    const confirm = jest.fn(async () => true);
    const policy: CommandPolicy = () => ({ decision: 'confirm', reason: 'sudo from voice' });
    expect(await evaluatePolicy(policy, request('sudo ls'), confirm)).toEqual({ allowed: true });
    expect(confirm).toHaveBeenCalledWith(request('sudo ls'), 'sudo from voice');
  });

  it('refuses when the confirm handler says no', async () => {
    const outcome = await evaluatePolicy(
      () => 'confirm',
      request('ls'),
      () => false,
    );
    expect(outcome).toEqual({
      allowed: false,
      decision: 'confirm',
      reason: 'not confirmed (the policy asks for confirmation)',
    });
  });

  it('counts only a real true as a confirmation', async () => {
    const sloppy = (() => 'yes') as unknown as () => boolean;
    expect((await evaluatePolicy(() => 'confirm', request('ls'), sloppy)).allowed).toBe(false);
  });

  it('treats confirm without a confirm handler as deny, saying why', async () => {
    const outcome = await evaluatePolicy(
      () => ({ decision: 'confirm', reason: 'prod database' }),
      request('ls'),
    );
    expect(outcome).toEqual({
      allowed: false,
      decision: 'confirm',
      reason: 'confirmation required (prod database) but no confirm handler is configured',
    });
  });

  it('fails closed when the confirm handler throws or rejects', async () => {
    const thrown = await evaluatePolicy(
      () => 'confirm',
      request('ls'),
      () => {
        throw new Error('dialog closed');
      },
    );
    expect(thrown).toMatchObject({ allowed: false, reason: expect.stringContaining('dialog closed') });
    const rejected = await evaluatePolicy(
      () => 'confirm',
      request('ls'),
      () => Promise.reject(new Error('timeout')),
    );
    expect(rejected).toMatchObject({ allowed: false, reason: expect.stringContaining('timeout') });
  });

  it('fails closed when the policy throws or rejects', async () => {
    const thrown = await evaluatePolicy(() => {
      throw new Error('policy db unreachable');
    }, request('ls'));
    expect(thrown).toEqual({
      allowed: false,
      decision: 'deny',
      reason: 'the policy failed: policy db unreachable',
    });
    const rejected = await evaluatePolicy(() => Promise.reject('nope'), request('ls'));
    expect(rejected).toEqual({ allowed: false, decision: 'deny', reason: 'the policy failed: nope' });
  });

  it.each([undefined, null, 'yes', true, { decision: 'maybe' }, 42])(
    'fails closed on a malformed answer %j',
    async (answer) => {
      const outcome = await evaluatePolicy(() => answer as never, request('ls'));
      expect(outcome).toMatchObject({
        allowed: false,
        decision: 'deny',
        reason: expect.stringMatching(/not "allow"/),
      });
    },
  );
});

describe('denyPatterns', () => {
  const policy = denyPatterns([/\brm\s+-rf\s+\/(\s|$)/, /\bmkfs\b/g]);

  it.each(['rm -rf /', 'sudo rm  -rf / ', 'echo hi; rm -rf /', 'mkfs.ext4 /dev/sda1'])(
    'denies %j',
    async (command) => {
      expect(await evaluatePolicy(policy, request(command))).toMatchObject({
        allowed: false,
        decision: 'deny',
        reason: expect.stringMatching(/^the command matches \//),
      });
    },
  );

  it.each(['rm -rf /tmp/build', 'ls /', 'echo rm', 'rm -rf ./x'])('allows %j', async (command) => {
    expect(await evaluatePolicy(policy, request(command))).toEqual({ allowed: true });
  });

  it('is not fooled by the lastIndex of a /g pattern', async () => {
    for (let i = 0; i < 4; i++) {
      expect((await evaluatePolicy(policy, request('mkfs /dev/sdb'))).allowed).toBe(false);
    }
  });

  it('uses the given reason', async () => {
    const p = denyPatterns([/shutdown/], 'no shutting down the host');
    expect(await evaluatePolicy(p, request('shutdown -h now'))).toMatchObject({
      reason: 'no shutting down the host',
    });
  });
});
