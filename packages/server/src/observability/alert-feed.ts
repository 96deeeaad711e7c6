import { type FastifyInstance } from 'fastify';

type AlertEventName = 'alert-fired' | 'alert-resolved';

/**
 * Where the server gets alerts from: `@vth/alerting`'s `AlertEngine` fits (checked by shape; the server
 * does not depend on the package). Alerts are plain JSON-safe objects.
 */
export interface AlertFeed {
  /** Firing alerts, oldest first. */
  active(): readonly unknown[];
  /** Resolved alerts, newest first. */
  resolved(limit?: number): readonly unknown[];
  /** Calls `listener` with each alert as it fires or resolves; the server publishes them to admins. */
  on(event: AlertEventName, listener: (alert: unknown) => void): unknown;
  /** Removes a listener given to `on` (the server does at `close()`). */
  off(event: AlertEventName, listener: (alert: unknown) => void): unknown;
}

const ALERT_EVENTS: readonly AlertEventName[] = ['alert-fired', 'alert-resolved'];

/** Puts each firing and resolution on the events topic (admins only: an alert names no session). */
export function streamAlerts(feed: AlertFeed, publish: (name: string, data: unknown) => void): () => void {
  const offs = ALERT_EVENTS.map((name) => {
    const listener = (alert: unknown): void => publish(name, alert);
    feed.on(name, listener);
    return () => feed.off(name, listener);
  });
  return () => offs.forEach((off) => off());
}

/** `GET /v1/admin/alerts[?limit=n]`: `{ active, resolved }` for admins. */
export function registerAlertsRoute(app: FastifyInstance, feed: AlertFeed): void {
  app.get('/v1/admin/alerts', async (request, reply) => {
    const who = request.identity;
    if (who?.role !== 'admin' || who.sessionId !== undefined)
      return reply.code(403).send({
        ok: false,
        error: { code: 'FORBIDDEN', message: 'alerts need the admin role', dispatched: false },
      });
    const asked = Number((request.query as { limit?: string }).limit);
    const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, 10_000) : 100;
    return { ok: true, value: { active: feed.active(), resolved: feed.resolved(limit) } };
  });
}
