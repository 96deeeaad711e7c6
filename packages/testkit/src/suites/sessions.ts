import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../expect';
import { type BackendCapabilities } from '@vth/core';
import { useBackend } from '../backend-handle';
import { expectFailure, expectOk } from '../helpers';
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
  ctx.api.describe('sessions', () => {
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
      const listed = before.map((s) => s.id);
      expect(listed).toContain(a);
      expect(listed).toContain(b);
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

    ctx.realShell(
      'createSession applies cwd and env (values with spaces and quotes kept verbatim)',
      async () => {
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
      },
    );

    ctx.realShell(
      'createSession takes an environment as large as Linux takes: 300 variables of 1,000 bytes',
      async () => {
        const env: Record<string, string> = {};
        for (let i = 0; i < 300; i++) env[`CONF_BIG_${i}`] = String(i % 10).repeat(1000);
        const id = await h.newSession({ env });
        await ctx.expectRun(
          h.backend(),
          id,
          'echo "${#CONF_BIG_0} ${#CONF_BIG_299} ${CONF_BIG_299:0:3}"',
          '1000 1000 999\n',
        );
      },
    );

    ctx.realShell(
      'createSession refuses one variable over 128 KiB (MAX_ARG_STRLEN) with INVALID_INPUT naming it',
      async () => {
        const error = expectFailure(
          await h.backend().createSession({ env: { CONF_HUGE: 'x'.repeat(140_000) } }),
          'INVALID_INPUT',
          { what: 'createSession with a 140 KB variable' },
        );
        expect(error.message).toContain('CONF_HUGE');
      },
    );

    ctx.realShell(
      'sessions are for programs by default (pagers print through, no prompts, no history expansion); profile "terminal" is plain',
      async () => {
        const backend = h.backend();
        const show =
          'printf "%s|%s|%s|%s\\n" "${PAGER-}" "${GIT_PAGER-}" "${MANPAGER-}" "${GIT_TERMINAL_PROMPT-}"';
        const program = await h.newSession();
        await ctx.expectRun(backend, program, show, 'cat|cat|cat|0\n');
        await ctx.expectRun(backend, program, 'echo "a!b" \'!!\'', 'a!b !!\n');
        const own = await h.newSession({ env: { PAGER: 'more' } });
        await ctx.expectRun(backend, own, 'echo "$PAGER"', 'more\n');
        const terminal = await h.newSession({ profile: 'terminal', env: { PAGER: 'less' } });
        await ctx.expectRun(backend, terminal, show, 'less|||\n');
      },
    );

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
