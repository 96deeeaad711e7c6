import { runPlatformCheck } from './platform-check';

describe('runPlatformCheck', () => {
  it('passes a successful check through', async () => {
    await expect(runPlatformCheck(async () => ({ ok: true, detail: 'tmux 3.4' }), 1000)).resolves.toEqual({
      ok: true,
      detail: 'tmux 3.4',
    });
  });

  it('keeps reason and hint of a failed check', async () => {
    const check = await runPlatformCheck(
      async () => ({ ok: false, reason: 'tmux is not installed', hint: 'apt-get install tmux' }),
      1000,
    );
    expect(check).toEqual({ ok: false, reason: 'tmux is not installed', hint: 'apt-get install tmux' });
  });

  it('reports a probe that throws synchronously', async () => {
    const check = await runPlatformCheck(() => {
      throw new Error('spawn ENOENT');
    }, 1000);
    expect(check).toEqual({ ok: false, reason: 'platform check failed: spawn ENOENT' });
  });

  it('reports a probe that rejects, even with a non-Error', async () => {
    await expect(runPlatformCheck(() => Promise.reject(new Error('socket refused')), 1000)).resolves.toEqual({
      ok: false,
      reason: 'platform check failed: socket refused',
    });
    await expect(runPlatformCheck(() => Promise.reject('plain string'), 1000)).resolves.toEqual({
      ok: false,
      reason: 'platform check failed: plain string',
    });
  });

  it.each([undefined, null, 'ok', { ok: 'yes' }])('reports a malformed result %j', async (value) => {
    await expect(runPlatformCheck(async () => value, 1000)).resolves.toEqual({
      ok: false,
      reason: 'platform check returned a malformed result',
    });
  });

  it('gives a failed check without a reason one', async () => {
    await expect(runPlatformCheck(async () => ({ ok: false }), 1000)).resolves.toEqual({
      ok: false,
      reason: 'platform check failed',
    });
  });

  it('cuts off a probe that never settles', async () => {
    const check = await runPlatformCheck(() => new Promise(() => undefined), 20);
    expect(check).toEqual({ ok: false, reason: 'platform check timed out after 20 ms' });
  });
});
