import { randomBytes } from 'node:crypto';
import { expect } from '../expect';
import {
  type BackendEventMap,
  type BackendEventName,
  type ITerminalBackend,
  type OutputEvent,
} from '@vth/core';
import { subscribe } from '@vth/core/kit';
import { useBackend } from '../backend-handle';
import { expectFailure, expectOk, pollUntil } from '../helpers';
import { type SuiteContext } from '../suite-context';

interface Recorded<K extends BackendEventName = BackendEventName> {
  name: K;
  payload: BackendEventMap[K][0];
}

/** Records the backend's events until `stop()`. */
function recordEvents(backend: ITerminalBackend) {
  const events: Recorded[] = [];
  const record =
    <K extends BackendEventName>(name: K) =>
    (payload: BackendEventMap[K][0]) =>
      events.push({ name, payload } as Recorded);
  const stop = subscribe(backend, {
    'session-created': record('session-created'),
    'session-closed': record('session-closed'),
    'command-started': record('command-started'),
    'command-completed': record('command-completed'),
    output: record('output'),
  });
  return {
    of<K extends BackendEventName>(name: K): Array<BackendEventMap[K][0]> {
      return events.filter((e) => e.name === name).map((e) => e.payload as BackendEventMap[K][0]);
    },
    stop,
  };
}

export function describeObservability(ctx: SuiteContext): void {
  ctx.api.describe('health, metrics and events', () => {
    const h = useBackend(ctx, 'health, metrics and events');
    /** Events may be emitted after the call resolves: wait for them within a bound. */
    const eventually = <T>(read: () => T[], done: (items: T[]) => boolean) =>
      pollUntil(read, done, { timeoutMs: ctx.ms(5_000), intervalMs: 20 });

    ctx.test('getHealth() after initialize is "healthy" with a numeric checkedAt', async () => {
      const health = await h.backend().getHealth();
      expect(health.status).toBe('healthy');
      expect(typeof health.checkedAt).toBe('number');
    });

    ctx.test('getMetrics() follows a session created, a command run and the session destroyed', async () => {
      const backend = h.backend();
      const m0 = backend.getMetrics();
      expect(m0).toMatchObject({ backendId: backend.id, type: backend.type });
      const session = expectOk(await backend.createSession(), 'createSession').id;
      h.cleanUp(session);
      const m1 = backend.getMetrics();
      expect(m1.sessions.created).toBeGreaterThanOrEqual(m0.sessions.created + 1);
      expect(m1.sessions.active).toBe(m0.sessions.active + 1);
      await ctx.expectRun(backend, session, 'echo metrics', 'metrics\n');
      const m2 = backend.getMetrics();
      expect(m2.commands.started).toBeGreaterThanOrEqual(m1.commands.started + 1);
      expect(m2.commands.completed).toBeGreaterThanOrEqual(m1.commands.completed + 1);
      expect(m2.latency.count).toBeGreaterThanOrEqual(m1.latency.count + 1);
      expectOk(await backend.destroySession(session), 'destroySession');
      const m3 = backend.getMetrics();
      expect(m3.sessions.active).toBe(m0.sessions.active);
      expect(m3.sessions.closed).toBeGreaterThanOrEqual(m0.sessions.closed + 1);
    });

    ctx.test('getMetrics().errors grows after a failed call, in total and by code', async () => {
      const backend = h.backend();
      const before = backend.getMetrics().errors;
      expectFailure(
        await backend.executeCommand(`conf-missing-${randomBytes(4).toString('hex')}`, 'true'),
        'SESSION_NOT_FOUND',
      );
      const after = backend.getMetrics().errors;
      expect(after.total).toBeGreaterThanOrEqual(before.total + 1);
      expect(after.byCode.SESSION_NOT_FOUND ?? 0).toBeGreaterThanOrEqual(
        (before.byCode.SESSION_NOT_FOUND ?? 0) + 1,
      );
    });

    ctx.test('emits session-created with the SessionInfo createSession returned', async () => {
      const backend = h.backend();
      const events = recordEvents(backend);
      try {
        const info = await h.newSessionInfo();
        const created = await eventually(
          () => events.of('session-created'),
          (items) => items.some((e) => e.id === info.id),
        );
        expect(created.find((e) => e.id === info.id)).toMatchObject({
          id: info.id,
          backendId: backend.id,
          alive: true,
        });
      } finally {
        events.stop();
      }
    });

    ctx.test('emits command-started and command-completed matching the execution', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      const events = recordEvents(backend);
      try {
        const execution = await ctx.expectRun(backend, session, 'echo evt', 'evt\n');
        const started = await eventually(
          () => events.of('command-started'),
          (items) => items.some((e) => e.commandId === execution.id),
        );
        expect(started.find((e) => e.commandId === execution.id)).toMatchObject({
          sessionId: session,
          commandId: execution.id,
          command: 'echo evt',
        });
        const completed = await eventually(
          () => events.of('command-completed'),
          (items) => items.some((e) => e.id === execution.id),
        );
        expect(completed.find((e) => e.id === execution.id)).toMatchObject({
          id: execution.id,
          sessionId: session,
          status: execution.status,
          output: execution.output,
          exitCode: execution.exitCode,
        });
      } finally {
        events.stop();
      }
    });

    ctx.requires('streaming')(
      'emits output events for the session whose data, joined, contains the output',
      async () => {
        const backend = h.backend();
        const session = await h.newSession();
        const events = recordEvents(backend);
        try {
          await ctx.expectRun(backend, session, 'echo evt', 'evt\n');
          const joined = (items: OutputEvent[]) =>
            items
              .filter((e) => e.sessionId === session)
              .map((e) => e.data)
              .join('');
          const outputs = await eventually(
            () => events.of('output'),
            (items) => joined(items).includes('evt'),
          );
          expect(joined(outputs)).toContain('evt');
          for (const e of outputs.filter((o) => o.sessionId === session)) {
            expect(typeof e.paneId).toBe('string');
            expect(typeof e.data).toBe('string');
          }
        } finally {
          events.stop();
        }
      },
    );

    ctx.test('emits session-closed with reason "destroyed" after destroySession', async () => {
      const backend = h.backend();
      const session = await h.newSession();
      const events = recordEvents(backend);
      try {
        expectOk(await backend.destroySession(session), 'destroySession');
        const closed = await eventually(
          () => events.of('session-closed'),
          (items) => items.some((e) => e.sessionId === session),
        );
        expect(closed.find((e) => e.sessionId === session)).toMatchObject({
          sessionId: session,
          reason: 'destroyed',
        });
      } finally {
        events.stop();
      }
    });
  });
}
