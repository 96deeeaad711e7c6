import { api } from './auth';
import { type Connection } from './connection';
import { type Alert, type ExperimentReport, type SessionRow } from './model';
import { type Store } from './store';

/** Events after which the session list is read again. */
const SESSION_EVENTS = new Set(['session-created', 'session-closed', 'session-migrated', 'session-reaped']);
const EXPERIMENT_EVENTS = new Set(['experiment-started', 'experiment-updated', 'experiment-stopped']);

/**
 * Keeps `store` live over `conn`: admins subscribe to `metrics` and `events` and read the pool, sessions,
 * experiments and alerts once; users see their own sessions (the server shows them nothing else).
 * Returns a function that stops it.
 */
export function startLiveFeed(conn: Connection, store: Store, token: string | undefined): () => void {
  const admin = conn.hello?.user.role === 'admin';
  let sessionsQueued = false;
  const refreshSessions = async (): Promise<void> => {
    const r = await conn.request<SessionRow[]>(admin ? 'admin.sessions.list' : 'session.list');
    if (r.ok) store.setSessions(r.value);
  };
  // One read per burst of session events (a drain moves many at once).
  const queueSessions = (): void => {
    if (sessionsQueued) return;
    sessionsQueued = true;
    queueMicrotask(() => {
      sessionsQueued = false;
      void refreshSessions();
    });
  };
  const refreshExperiments = async (): Promise<void> => {
    const r = await conn.request<ExperimentReport[]>('admin.experiments.list');
    if (r.ok) {
      store.mergeExperiments(r.value);
      store.changed();
    }
  };
  const stop = conn.on((m) => {
    if (m.type === 'metrics') store.applySnapshot(m.data as never);
    else if (m.type === 'event') {
      store.applyEvent(m.seq, m.at, m.name, m.data);
      if (SESSION_EVENTS.has(m.name)) queueSessions();
      if (admin && EXPERIMENT_EVENTS.has(m.name)) void refreshExperiments();
    }
  });
  conn.send({ type: 'subscribe', topic: 'events' });
  void refreshSessions();
  if (admin) {
    conn.send({ type: 'subscribe', topic: 'metrics' });
    void conn.request('admin.metrics').then((r) => r.ok && store.applySnapshot(r.value as never));
    void refreshExperiments();
    void api<{ ok: boolean; value?: { active: Alert[]; resolved: Alert[] } }>(
      'GET',
      '/v1/admin/alerts',
      token,
    ).then((r) => {
      if (r.body?.ok && r.body.value) store.setAlerts(r.body.value.active, r.body.value.resolved);
    });
  }
  return stop;
}
