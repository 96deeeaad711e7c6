import { Readiness } from './readiness';

describe('Readiness', () => {
  it('goes new -> starting -> ready -> shut-down, refusing calls until ready and after', () => {
    const r = new Readiness();
    expect(r.check()).toMatchObject({
      ok: false,
      error: { code: 'NOT_INITIALIZED', message: 'call initialize() first' },
    });
    r.starting();
    expect(r.check().ok).toBe(false);
    r.started();
    expect([r.ready, r.check().ok, r.halt.aborted]).toEqual([true, true, false]);
    r.shuttingDown();
    expect([r.ready, r.shutDown, r.halt.aborted]).toEqual([false, true, true]);
    expect(r.check()).toMatchObject({ ok: false, error: { message: 'the manager has been shut down' } });
  });

  it('goes back to new after a start that failed, but not once shut down', () => {
    const r = new Readiness();
    r.starting();
    r.startFailed();
    expect(r.state).toBe('new');
    r.starting();
    r.shuttingDown();
    r.startFailed();
    expect(r.state).toBe('shut-down');
  });
});
