import { expectOk } from '@vth/testkit';
import { IMAGE } from '../test/docker-cli';
import { type ContainerConfigInput } from './config';
import { ContainerBackend } from './container-backend';

jest.setTimeout(60_000);

/** Runs `commands` in a new session of a backend with `config`, and returns their outputs. */
async function inSession(
  config: Partial<ContainerConfigInput>,
  commands: string[],
  env?: Record<string, string>,
): Promise<string[]> {
  const backend = new ContainerBackend({ image: IMAGE, ...config });
  try {
    expectOk(await backend.initialize({}));
    const s = expectOk(await backend.createSession(env ? { env } : {}));
    const outputs: string[] = [];
    for (const c of commands) outputs.push(expectOk(await backend.executeCommand(s.id, c)).output);
    return outputs;
  } finally {
    await backend.shutdown();
  }
}

// The test image has no git: a tool writing its dotfile in the home stands for it (git config --global,
// npm's cache, pip --user).
const USE_HOME =
  "cd ~ && pwd && touch x && printf '[user]\\n\\tname = t\\n' > ~/.gitconfig && cat ~/.gitconfig";

describe("a session's home", () => {
  it('exists and is writable for nobody (the default user), owned by it, with the root still read-only', async () => {
    const [home, use, owner, rootfs] = await inSession({}, [
      'echo "$HOME"',
      USE_HOME,
      'stat -c "%u:%g %a" ~',
      'touch /etc/x 2>/dev/null || echo read-only',
    ]);
    expect(home).toBe('/home/vth\n');
    expect(use).toBe('/home/vth\n[user]\n\tname = t\n');
    expect(owner).toBe('65534:65534 700\n');
    expect(rootfs).toBe('read-only\n');
  });

  it('belongs to the configured uid:gid, at the configured path', async () => {
    const [use, owner] = await inSession({ user: '1000:1000', home: '/home/me' }, [
      USE_HOME,
      'stat -c "%u:%g %a" ~',
    ]);
    expect(use).toBe('/home/me\n[user]\n\tname = t\n');
    expect(owner).toBe('1000:1000 700\n');
  });

  it('is writable for a user the image names (uid unknown to vth: the home is open to all, sticky)', async () => {
    const [id, use, mode] = await inSession({ user: 'nobody', unsafe: ['image-user'] }, [
      'id -u',
      USE_HOME,
      'stat -c "%a" ~',
    ]);
    expect(id).toBe('65534\n');
    expect(use).toBe('/home/vth\n[user]\n\tname = t\n');
    expect(mode).toBe('1777\n');
  });

  it("gives way to the session's own HOME", async () => {
    const [home] = await inSession({}, ['echo "$HOME"'], { HOME: '/workspace' });
    expect(home).toBe('/workspace\n');
  });

  it('refuses a home that is the work dir or /tmp', async () => {
    for (const home of ['/workspace', '/tmp']) {
      const backend = new ContainerBackend({ image: IMAGE, home });
      const r = await backend.initialize({});
      expect(!r.ok && r.error.code).toBe('INVALID_CONFIG');
      if (!r.ok)
        expect(r.error.message).toContain(
          'config.home: must be a directory of its own (not the work dir or /tmp)',
        );
      await backend.shutdown();
    }
  });
});
