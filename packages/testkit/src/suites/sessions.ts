import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { type BackendCapabilities } from '@vth/core';
import { useBackend } from '../backend-handle';
import { expectFailure, expectOk } from '../helpers';
import { describe } from '../jest-api';
import { type SuiteContext } from '../suite-context';

/**
 * A directory that exists where the shell runs and is unlikely to be a backend's default working directory:
 * a fresh temporary directory when the shell shares this machine's filesystem, `/usr` otherwise.
 */
function scratchDirectory(caps: BackendCapabilities): { path: string; remove(): void } {
  if (caps.remote || (caps.isolation !== 'none' && caps.isolation !== 'process')) {
    return { path: '/usr', remove: () => undefined };
  }
  const path = realpathSync(mkdtempSync(join(tmpdir(), 'vth-conf-cwd-')));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function describeSessions(ctx: SuiteContext): void {
  describe('sessions', () => {
    const h = useBackend(ctx, 'sessions');

    ctx.test(
      'createSession returns a live SessionInfo: id, backendId, createdAt, non-empty panes',
      async () => {
        const info = await h.newSessionInfo();
        expect(typeof info.id).toBe('string');
        expect(info.id).not.toBe('');
        expect(info.backendId).toBe(h.backend().id);
        expect(typeof info.createdAt).toBe('number');
        expect(info.alive).toBe(true);
        expect(Array.isArray(info.panes)).toBe(true);
        expect(info.panes.length).toBeGreaterThan(0);
        for (const pane of info.panes) expect(typeof pane).toBe('string');
      },
    );

    ctx.test(
      "createSession({ sessionId: 'conf-x' }) uses that id; creating it again answers INVALID_INPUT",
      async () => {
        const backend = h.backend();
        const info = await h.newSessionInfo({ sessionId: 'conf-x' });
        expect(info.id).toBe('conf-x');
        expectFailure(await backend.createSession({ sessionId: 'conf-x' }), 'INVALID_INPUT', {
          dispatched: false,
          what: 'createSession with an id in use',
        });
        await ctx.expectRun(backend, 'conf-x', 'echo still-here', 'still-here\n');
      },
    );

    ctx.test('listSessions includes live sessions and not destroyed ones', async () => {
      const backend = h.backend();
      const a = await h.newSession();
      const b = await h.newSession();
      const before = expectOk(await backend.listSessions(), 'listSessions');
      expect(before.map((s) => s.id)).toEqual(expect.arrayContaining([a, b]));
      for (const info of before.filter((s) => s.id === a || s.id === b)) {
        expect(info).toMatchObject({ backendId: backend.id, alive: true });
      }
      expectOk(await backend.destroySession(a), 'destroySession');
      const after = expectOk(await backend.listSessions(), 'listSessions').map((s) => s.id);
      expect(after).not.toContain(a);
      expect(after).toContain(b);
    });

    ctx.test(
      'a destroyed session answers SESSION_NOT_FOUND to executeCommand and to a second destroySession',
      async () => {
        const backend = h.backend();
        const id = await h.newSession();
        await ctx.expectRun(backend, id, 'echo alive', 'alive\n');
        expectOk(await backend.destroySession(id), 'destroySession');
        expectFailure(await backend.executeCommand(id, 'echo gone'), 'SESSION_NOT_FOUND', {
          dispatched: false,
          what: 'executeCommand after destroySession',
        });
        expectFailure(await backend.destroySession(id), 'SESSION_NOT_FOUND', {
          dispatched: false,
          what: 'the second destroySession',
        });
      },
    );

    ctx.test('createSession applies cwd and env (values with spaces and quotes kept verbatim)', async () => {
      const backend = h.backend();
      const dir = scratchDirectory(ctx.caps);
      try {
        const id = await h.newSession({
          cwd: dir.path,
          env: { CONF_VAR: 'x y', CONF_QUOTES: `a'b"c$d \\e` },
        });
        await ctx.expectRun(backend, id, 'pwd', `${dir.path}\n`);
        await ctx.expectRun(backend, id, 'echo "$CONF_VAR"', 'x y\n');
        await ctx.expectRun(backend, id, 'printf "%s\\n" "$CONF_QUOTES"', `a'b"c$d \\e\n`);
      } finally {
        dir.remove();
      }
    });

    ctx.test(
      'createSession echoes labels back in SessionInfo, from createSession and listSessions',
      async () => {
        const labels = { owner: 'conformance', purpose: 'labels test', 'team/area': 'a=b' };
        const info = await h.newSessionInfo({ labels });
        expect(info.labels).toEqual(labels);
        const listed = expectOk(await h.backend().listSessions(), 'listSessions').find(
          (s) => s.id === info.id,
        );
        expect(listed?.labels).toEqual(labels);
      },
    );

    ctx.test(
      'sessions do not share shell state: export and cd in one session do not reach another',
      async () => {
        const backend = h.backend();
        const a = await h.newSession();
        const b = await h.newSession({ cwd: '/' });
        await ctx.expectRun(backend, a, 'export ISO=1; cd /tmp', '');
        await ctx.expectRun(backend, b, 'echo "${ISO-unset}"', 'unset\n');
        await ctx.expectRun(backend, b, 'pwd', '/\n');
      },
    );
  });
}
