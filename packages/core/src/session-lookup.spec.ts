import { claimSessionId, lookupSession, targetSinglePane } from './session-lookup';

interface S {
  closing: boolean;
}

describe('lookupSession and targetSinglePane', () => {
  const sessions = new Map<string, S>([
    ['live', { closing: false }],
    ['going', { closing: true }],
  ]);
  const table = { sessions, backendId: 'b1', isClosing: (s: S) => s.closing, pane: '0', kind: 'test' };

  it('finds a live session and refuses malformed, unknown and closing ones with their own codes', () => {
    expect(lookupSession(table, 'live')).toEqual({ ok: true, value: sessions.get('live') });
    const bad = lookupSession(table, 'a b');
    expect(!bad.ok && bad.error).toMatchObject({ code: 'INVALID_INPUT', dispatched: false });
    for (const id of ['nope', 'going']) {
      const r = lookupSession(table, id);
      expect(!r.ok && r.error).toMatchObject({
        code: 'SESSION_NOT_FOUND',
        dispatched: false,
        backendId: 'b1',
      });
      expect(!r.ok && r.error.message).toBe(`no session "${id}" on backend b1`);
    }
  });

  it('checks the session, then the pane, then the context', () => {
    expect(targetSinglePane(table, 'live', '0', { timeoutMs: 5 }).ok).toBe(true);
    expect(targetSinglePane(table, 'live', undefined).ok).toBe(true);
    const missingFirst = targetSinglePane(table, 'nope', '%9', { timeoutMs: -1 });
    expect(!missingFirst.ok && missingFirst.error.code).toBe('SESSION_NOT_FOUND');
    const pane = targetSinglePane(table, 'live', '%9');
    expect(!pane.ok && pane.error).toMatchObject({ code: 'PANE_NOT_FOUND', dispatched: false });
    expect(!pane.ok && pane.error.message).toBe(
      'session "live" has no pane "%9" (test sessions have one pane, "0")',
    );
    const malformedPane = targetSinglePane(table, 'live', 'a b');
    expect(!malformedPane.ok && malformedPane.error.code).toBe('INVALID_INPUT');
    const context = targetSinglePane(table, 'live', '0', { timeoutMs: -1 });
    expect(!context.ok && context.error.code).toBe('INVALID_INPUT');
  });
});

describe('claimSessionId', () => {
  const capacity = (ids: string[], pending: string[], maxSessions: number) => ({
    sessions: new Map(ids.map((id) => [id, {}])),
    pending: new Set(pending),
    maxSessions,
    backendId: 'b1',
  });

  it('gives the id asked for, or a new one', () => {
    expect(claimSessionId('mine', capacity([], [], 5))).toEqual({ ok: true, value: 'mine' });
    const fresh = claimSessionId(undefined, capacity([], [], 5));
    expect(fresh.ok && fresh.value).toMatch(/^s-[0-9a-z]{12}$/);
  });

  it('refuses an id in use or being created, and a backend at its limit', () => {
    for (const [ids, pending] of [
      [['a'], []],
      [[], ['a']],
    ] as const) {
      const r = claimSessionId('a', capacity([...ids], [...pending], 5));
      expect(!r.ok && r.error).toMatchObject({ code: 'INVALID_INPUT', dispatched: false, backendId: 'b1' });
      expect(!r.ok && r.error.message).toBe('session "a" already exists');
    }
    const full = claimSessionId('c', capacity(['a'], ['b'], 2));
    expect(!full.ok && full.error).toMatchObject({ code: 'BUSY', dispatched: false });
    expect(!full.ok && full.error.message).toBe(
      'the backend already runs its maximum of 2 sessions (raise config.maxSessions to allow more)',
    );
  });
});
