import { expectOk } from '@vth/testkit';
import { TmuxBackend } from './tmux-backend';
import { track } from '../test/tmux-fixtures';

describe('tmux backend: what a call claims, it holds', () => {
  let backend: TmuxBackend;
  afterEach(() => backend.shutdown());

  it('counts sessions being created against maxSessions: two at once with room for one, one is BUSY', async () => {
    backend = track(new TmuxBackend({ maxSessions: 1 }));
    expectOk(await backend.initialize({}));
    const results = await Promise.all([backend.createSession(), backend.createSession()]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.find((r) => !r.ok);
    expect(refused && !refused.ok && refused.error).toMatchObject({ code: 'BUSY', dispatched: false });
    expect(expectOk(await backend.listSessions())).toHaveLength(1);
  });

  it('counts a splitPane that names an unknown pane in getMetrics().errors, as every failed call', async () => {
    backend = track(new TmuxBackend());
    expectOk(await backend.initialize({}));
    const s = expectOk(await backend.createSession());
    const errors: string[] = [];
    backend.on('error', (e) => errors.push(e.code));
    const r = await backend.splitPane(s.id, { paneId: '%999' });
    expect(!r.ok && r.error).toMatchObject({ code: 'PANE_NOT_FOUND', backendId: backend.id });
    expect(backend.getMetrics().errors.byCode.PANE_NOT_FOUND).toBe(1);
    expect(errors).toEqual(['PANE_NOT_FOUND']);
  });
});
