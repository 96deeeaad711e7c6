import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { listTmuxProcesses } from '@vth/backend-tmux';
import { type BackendsReport } from './commands/backends-command';
import { isAlive, leftoverProcesses, runCli, type CliRun } from './test-support/cli-process.fixture';
import { createPluginFixtureApp } from './test-support/plugin-fixture-app.fixture';

/** Every run must leave no shell behind: anything still alive with its tag was started by it and leaked. */
async function cli(args: string[], options: Parameters<typeof runCli>[1] = {}): Promise<CliRun> {
  const run = await runCli(args, options);
  expect(leftoverProcesses(run.tag)).toEqual([]);
  return run;
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('vth shell', () => {
  it('runs the acceptance line: /tmp on stdout, an exit 1 status line on stderr, exit code 1', async () => {
    const run = await cli(['shell'], { input: 'cd /tmp; pwd; false\n' });
    expect(run.stdout).toBe('/tmp\n');
    expect(run.stderr).toMatch(/^\[exit 1 · [\d.]+ m?s\]\n$/);
    expect(run.code).toBe(1);
  });

  it('keeps shell state (cd, export) from one line to the next and skips blank lines', async () => {
    const run = await cli(['shell'], {
      input: 'cd /tmp\nexport VTH_SPEC_VAR=kept\n\n   \necho "$VTH_SPEC_VAR"\npwd\n',
    });
    expect(run.stdout).toBe('kept\n/tmp\n');
    expect(run.stderr.match(/^\[exit 0 · .*\]$/gm)).toHaveLength(4);
    expect(run.code).toBe(0);
  });

  it('exits 0 when no command ran', async () => {
    const run = await cli(['shell'], { input: '\n\n' });
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('exits with the code of the last command, as bash does', async () => {
    const run = await cli(['shell'], { input: 'false\ntrue\n(exit 7)\n' });
    expect(run.code).toBe(7);
  });

  it('ends the session and the CLI on `exit`, with its code, running nothing after it', async () => {
    const run = await cli(['shell'], { input: 'echo before\nexit 4\necho after\n' });
    expect(run.stdout).toContain('before\n');
    expect(run.stdout).not.toContain('after');
    expect(run.code).toBe(4);
  });

  it('starts in --cwd', async () => {
    const run = await cli(['shell', '--cwd', '/tmp'], { input: 'pwd\n' });
    expect(run.stdout).toBe('/tmp\n');
  });

  it('on SIGTERM interrupts the running command, destroys the session and exits 143', async () => {
    let signalled = false;
    const run = await cli(['shell'], {
      input: 'echo $$\nsleep 60\necho never\n',
      onStdout: (stdout, child) => {
        // Once: a second signal after the CLI has cleaned up would end it the default way.
        if (/^\d+\n/.test(stdout) && !signalled) signalled = child.kill('SIGTERM');
      },
    });
    expect(run.code).toBe(143);
    expect(run.stdout).not.toContain('never');
    expect(isAlive(Number(run.stdout.split('\n')[0]))).toBe(false);
  });
});

describe('vth --version', () => {
  it("prints the version of the app's package.json with --version and -V", async () => {
    const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const run = await cli([flag]);
      expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });
});

describe('vth exec', () => {
  it("--json prints one JSON object with the result, and exits with the command's code", async () => {
    const run = await cli(['exec', '--json', '--cwd', '/tmp', '--', 'echo hi; cd /; false']);
    expect(run.code).toBe(1);
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(result).sort()).toEqual([
      'cwd',
      'durationMs',
      'exitCode',
      'output',
      'status',
      'truncatedBytes',
    ]);
    expect(result).toMatchObject({
      status: 'completed',
      exitCode: 1,
      cwd: '/',
      output: 'hi\n',
      truncatedBytes: 0,
    });
    expect(result['durationMs']).toEqual(expect.any(Number));
  });

  it('streams the output and exits 0', async () => {
    const run = await cli(['exec', '--', 'echo', 'hi']);
    expect(run).toMatchObject({ code: 0, stdout: 'hi\n' });
  });

  it("exits with the command's exit code", async () => {
    const run = await cli(['exec', '--', 'exit 3']);
    expect(run.code).toBe(3);
  });

  it('exits 124 with a note when the command times out', async () => {
    const run = await cli(['exec', '--timeout', '300', '--', 'sleep', '5']);
    expect(run.code).toBe(124);
    expect(run.stderr).toContain('timed out');
  });

  it('takes the time limit from the environment', async () => {
    const run = await cli(['exec', '--', 'sleep 5'], { env: { VTH_TIMEOUT_MS: '300' } });
    expect(run.code).toBe(124);
  });

  it('runs in --cwd', async () => {
    const run = await cli(['exec', '--cwd', '/tmp', '--', 'pwd']);
    expect(run).toMatchObject({ code: 0, stdout: '/tmp\n' });
  });

  it('leaves no shell behind: the session shell is gone once the CLI has exited', async () => {
    const run = await cli(['exec', '--', 'echo $$']);
    const pid = Number(run.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
  });

  it('on SIGINT interrupts the command, cleans up and exits 130', async () => {
    let signalled = false;
    const run = await cli(['exec', '--', 'echo $$; sleep 60; echo never'], {
      onStdout: (stdout, child) => {
        // Once: a second signal after the CLI has cleaned up would end it the default way.
        if (/^\d+\n/.test(stdout) && !signalled) signalled = child.kill('SIGINT');
      },
    });
    expect(run.code).toBe(130);
    expect(run.stdout).not.toContain('never');
    expect(isAlive(Number(run.stdout.split('\n')[0]))).toBe(false);
  });

  it('names the available types for an unknown --backend, and exits 1', async () => {
    const run = await cli(['exec', '--backend', 'does-not-exist', '--', 'true']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'vth: UNAVAILABLE: unknown backend type "does-not-exist" (registered: container, node-pty, remote, tmux)\n',
    );
  });

  it('exits 2 on a usage error', async () => {
    const run = await cli(['exec', '--timeout', 'soon', '--', 'true']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--timeout');
  });
});

describe('vth backends', () => {
  it('--json lists container, node-pty, remote and tmux, their platform checks and their capabilities', async () => {
    const run = await cli(['backends', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BackendsReport;
    expect(report.discoveredFrom).toBe(path.resolve(__dirname, '..', 'package.json'));
    expect(report.backends).toEqual([
      expect.objectContaining({
        type: 'container',
        package: '@vth/backend-container',
        platform: expect.objectContaining({ ok: true, detail: expect.stringMatching(/API 1\.\d+/) }),
        capabilities: expect.objectContaining({ isolation: 'container' }),
      }),
      expect.objectContaining({
        type: 'node-pty',
        package: '@vth/backend-node-pty',
        platform: expect.objectContaining({ ok: true }),
        capabilities: expect.objectContaining({ persistentSessions: true, exitCodes: true }),
      }),
      expect.objectContaining({
        type: 'remote',
        package: '@vth/backend-remote',
        platform: expect.objectContaining({ ok: true }),
        capabilities: expect.objectContaining({ remote: true }),
      }),
      expect.objectContaining({
        type: 'tmux',
        package: '@vth/backend-tmux',
        platform: expect.objectContaining({ ok: true, detail: expect.stringMatching(/^tmux \d/) }),
        capabilities: expect.objectContaining({ multiplePanes: true }),
      }),
    ]);
    expect(report.failures).toEqual([]);
  });

  it('prints text without --json', async () => {
    const run = await cli(['backends']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^node-pty .*\(@vth\/backend-node-pty\)$/m);
    expect(run.stdout).toMatch(/^ {2}platform: ok/m);
  });

  describe('with --plugins-from an app whose dependencies include malformed plugins', () => {
    let manifest: string;
    beforeAll(() => (manifest = createPluginFixtureApp()));
    afterAll(() => rmSync(path.dirname(manifest), { recursive: true, force: true }));

    it('still lists the good plugin and reports each failure', async () => {
      const run = await cli(['--plugins-from', manifest, 'backends', '--json']);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as BackendsReport;
      expect(report.discoveredFrom).toBe(manifest);
      expect(report.backends.map((b) => b.type)).toEqual(['node-pty']);
      expect(report.failures).toEqual([
        {
          package: 'vth-backend-misshapen',
          reason: expect.stringMatching(/plugin\.create: must be a function/),
        },
        { package: 'vth-backend-throws', reason: expect.stringContaining('this plugin cannot load') },
      ]);
    });

    it('reads the fixture from VTH_PLUGINS_FROM too, and lists failures in the text output', async () => {
      const run = await cli(['backends'], { env: { VTH_PLUGINS_FROM: manifest } });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('plugins that failed to load:');
      expect(run.stdout).toMatch(/^ {2}vth-backend-misshapen: /m);
    });
  });

  it('exits 2 when --plugins-from names no package.json', async () => {
    const run = await cli(['--plugins-from', '/nonexistent/package.json', 'backends']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('/nonexistent/package.json');
  });
});

describe('configuration', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'vth-cli-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects an unknown key with exit 2, naming the file and the key', async () => {
    const file = path.join(dir, 'vth.config.json');
    writeFileSync(file, JSON.stringify({ fallbackOrder: ['node-pty'], colour: 'blue' }));
    const run = await cli(['--config', file, 'exec', '--', 'true']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`vth: invalid config ${file}: colour: unknown key\n`);
  });

  it('rejects bad JSON with exit 2, naming the file, without a stack trace', async () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ "fallbackOrder": [');
    const run = await cli(['shell', '--config', file], { input: 'echo never\n' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^vth: invalid config ${file}: not valid JSON`));
    expect(run.stdout).toBe('');
    noStackTrace(run.stderr);
  });

  it('finds ./vth.config.json in the working directory', async () => {
    writeFileSync(path.join(dir, 'vth.config.json'), JSON.stringify({ exec: { timeoutMs: -5 } }));
    const run = await cli(['exec', '--', 'true'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('exec.timeoutMs: must be positive');
  });

  it('uses defaultBackend from the config file, and VTH_BACKEND over it', async () => {
    const file = path.join(dir, 'vth.config.json');
    writeFileSync(file, JSON.stringify({ defaultBackend: 'from-file' }));
    const fromFile = await cli(['--config', file, 'exec', '--', 'true']);
    expect(fromFile.stderr).toContain('unknown backend type "from-file"');
    const fromEnv = await cli(['exec', '--', 'true'], { env: { VTH_CONFIG: file, VTH_BACKEND: 'from-env' } });
    expect(fromEnv.stderr).toContain('unknown backend type "from-env"');
  });
});

describe('tmux, and falling back when it cannot run', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'vth-cli-tmux-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a command in a tmux pane with --backend tmux, and leaves no tmux server behind', async () => {
    const run = await cli(['exec', '--backend', 'tmux', '--', 'echo "in:${TMUX:+tmux}"; exit 4']);
    expect(run.stdout).toBe('in:tmux\nexit\n');
    expect(run.code).toBe(4);
  });

  it('takes the next backend of fallbackOrder when tmux cannot start', async () => {
    const file = path.join(dir, 'vth.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        fallbackOrder: ['tmux', 'node-pty'],
        backends: { tmux: { tmuxPath: '/nonexistent/tmux' } },
      }),
    );
    const run = await cli(['--config', file, 'exec', '--', 'echo "in:${TMUX:-node-pty}"']);
    expect(run.stdout).toBe('in:node-pty\n');
    expect(run.code).toBe(0);
  });

  it('uses tmux first when it is in fallbackOrder and can run', async () => {
    const file = path.join(dir, 'vth.config.json');
    writeFileSync(file, JSON.stringify({ fallbackOrder: ['tmux', 'node-pty'] }));
    const run = await cli(['--config', file, 'shell'], { input: 'echo "in:${TMUX:+tmux}"\n' });
    expect(run.stdout).toBe('in:tmux\n');
  });
});

describe('a pool of backends through the manager', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'vth-cli-manager-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs in tmux first and moves the session to node-pty, state and all, when the tmux server dies', async () => {
    const file = path.join(dir, 'vth.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        manager: { backends: [{ type: 'tmux' }, { type: 'node-pty' }], strategy: 'primary-fallback' },
      }),
    );
    // The CLI's tmux sockets go to a directory of this test's own.
    const sockets = path.join(dir, `vth-tmux-${process.getuid!()}`);
    const run = await cli(['--config', file, 'shell'], {
      env: { TMPDIR: dir },
      input: [
        'export KEPT=yes; cd /tmp',
        'echo "in:${TMUX:+tmux}"',
        // Killed from inside: this command dies with the server (the manager says it may have run).
        'tmux kill-server',
        'echo "in:${TMUX:-node-pty} $KEPT $(pwd)"',
        '',
      ].join('\n'),
    });
    expect(run.stdout).toBe('in:tmux\nin:node-pty yes /tmp\n');
    expect(run.stderr).toMatch(
      /vth: BACKEND_CRASHED: .*may or may not have run|vth: BACKEND_CRASHED: .*lost/,
    );
    expect(run.stderr).toContain('[session moved from tmux to node-pty]');
    expect(run.code).toBe(0);
    // Besides every shell (`cli` checks those): no tmux server it started (the one killed, the one the
    // manager rebuilt after it) and no socket is left once it has exited.
    expect(listTmuxProcesses([`${sockets}/`])).toEqual([]);
    expect(existsSync(sockets) ? readdirSync(sockets) : []).toEqual([]);
  });

  it('names each bad path of an invalid manager section and exits 2', async () => {
    const file = path.join(dir, 'vth.config.json');
    writeFileSync(
      file,
      JSON.stringify({ manager: { backends: [{ type: 'tmux', weight: 0 }], strategi: 'x' } }),
    );
    const run = await cli(['--config', file, 'exec', '--', 'true']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/manager\.backends\[0\]\.weight: must be greater than 0/);
    expect(run.stderr).toMatch(/manager\.strategi: unknown key/);
  });
});

describe('security from vth.config.json', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'vth-cli-security-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const noTouch = { commands: { rules: [{ name: 'no-touch', program: 'touch', reason: 'read-only' }] } };

  it('puts the security layer in front of the backend it creates', async () => {
    const file = path.join(dir, 'vth.config.json');
    writeFileSync(file, JSON.stringify({ fallbackOrder: ['node-pty'], security: noTouch }));
    const target = path.join(dir, 'touched');
    const refused = await cli(['--config', file, 'exec', '--', `touch ${target}`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('FORBIDDEN: command refused by policy: no-touch: read-only');
    expect(existsSync(target)).toBe(false);
    const named = await cli(['--config', file, 'exec', '--backend', 'node-pty', '--', `touch ${target}`]);
    expect(named.stderr).toContain('FORBIDDEN');
    expect((await cli(['--config', file, 'exec', '--', 'echo ok'])).stdout).toBe('ok\n');
    expect(existsSync(target)).toBe(false);
  });

  it('and in front of each manager backend without a security of its own', async () => {
    const file = path.join(dir, 'vth.config.json');
    const target = path.join(dir, 'touched');
    writeFileSync(
      file,
      JSON.stringify({
        security: noTouch,
        manager: { backends: [{ type: 'node-pty' }], probe: { enabled: false } },
      }),
    );
    const refused = await cli(['--config', file, 'exec', '--', `touch ${target}`]);
    expect(refused.stderr).toContain('FORBIDDEN');
    expect(existsSync(target)).toBe(false);
    // A spec's own security replaces it.
    const own = { commands: { rules: [{ name: 'no-cat', program: 'cat' }] } };
    writeFileSync(
      file,
      JSON.stringify({
        security: noTouch,
        manager: { backends: [{ type: 'node-pty', security: own }], probe: { enabled: false } },
      }),
    );
    expect((await cli(['--config', file, 'exec', '--', `touch ${target}`])).code).toBe(0);
    expect(existsSync(target)).toBe(true);
    expect((await cli(['--config', file, 'exec', '--', 'cat /dev/null'])).stderr).toContain('no-cat');
  });

  it('names each bad path of an invalid security section and exits 2', async () => {
    const file = path.join(dir, 'vth.config.json');
    writeFileSync(file, JSON.stringify({ security: { commands: {}, policy: 'deny' } }));
    const run = await cli(['--config', file, 'exec', '--', 'true']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('security.commands: must name a preset or at least one rule');
    expect(run.stderr).toContain('security.policy: unknown key');
  });
});

describe('containers', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'vth-cli-container-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a command in a sandboxed container configured in vth.config.json, and removes it', async () => {
    const file = path.join(dir, 'vth.config.json');
    const image = process.env['VTH_TEST_IMAGE'] ?? 'local/vth-sandbox:1';
    writeFileSync(file, JSON.stringify({ backends: { container: { image } } }));
    const run = await cli([
      '--config',
      file,
      'exec',
      '--backend',
      'container',
      '--',
      'id -u; ls /sys/class/net',
    ]);
    expect(run.stdout).toBe('65534\nlo\n');
    expect(run.code).toBe(0);
  });

  it('names the missing image setting of the container backend', async () => {
    const run = await cli(['exec', '--backend', 'container', '--', 'true']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/config\.image/);
  });
});

describe('help', () => {
  it.each([[['--help']], [['exec', '--help']], [['shell', '--help']], [['backends', '--help']]])(
    'vth %j prints usage and exits 0',
    async (args) => {
      const run = await cli(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: vth/);
    },
  );

  it('exits 2 without a command', async () => {
    const run = await cli([]);
    expect(run.code).toBe(2);
  });
});

describe('vth serve', () => {
  it('serves with the config of `npm start`: ready, runs a command over HTTP, ends everything on SIGTERM', async () => {
    let checks: Promise<{ ready: number; output: unknown }> | undefined;
    const run = await cli(['serve', '--port', '0'], {
      onStdout: (stdout, child) => {
        const url = /^(http:\/\/\S+)\n/.exec(stdout)?.[1];
        if (!url || checks) return;
        checks = (async () => {
          const ready = (await fetch(`${url}/readyz`)).status;
          const headers = { 'content-type': 'application/json', 'idempotency-key': 'k1' };
          const created = (await (
            await fetch(`${url}/v1/sessions`, { method: 'POST', headers, body: '{}' })
          ).json()) as {
            value: { id: string };
          };
          const exec = (await (
            await fetch(`${url}/v1/sessions/${created.value.id}/execute`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ command: 'echo served-$((40+2))' }),
            })
          ).json()) as { value: { output: string } };
          child.kill('SIGTERM');
          return { ready, output: exec.value.output };
        })();
      },
    });
    expect(await checks).toEqual({ ready: 200, output: 'served-42\n' });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^vth: serving manager \(node-pty\) on http:\/\/127\.0\.0\.1:\d+/);
  });

  it('serves the dashboard and the alerts of the pool, and says where', async () => {
    let checks: Promise<unknown> | undefined;
    const run = await cli(['serve', '--port', '0'], {
      onStdout: (stdout, child) => {
        const url = /^(http:\/\/\S+)\n/.exec(stdout)?.[1];
        if (!url || checks) return;
        checks = (async () => {
          const page = await fetch(`${url}/dashboard/`);
          const html = await page.text();
          const script = await fetch(`${url}/dashboard/app.js`);
          const alerts = (await (await fetch(`${url}/v1/admin/alerts`)).json()) as unknown;
          child.kill('SIGTERM');
          return {
            page: [page.status, html.includes('<script type="module" src="app.js">')],
            script: [script.status, script.headers.get('content-type')],
            alerts,
          };
        })();
      },
    });
    expect(await checks).toEqual({
      page: [200, true],
      script: [200, 'text/javascript; charset=utf-8'],
      alerts: { ok: true, value: { active: [], resolved: [] } },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/vth: dashboard at http:\/\/127\.0\.0\.1:\d+\/dashboard\//);
  });

  it('refuses an invalid server section, naming the path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vth-serve-'));
    try {
      writeFileSync(
        path.join(dir, 'vth.config.json'),
        JSON.stringify({ server: { host: '0.0.0.0', colour: 1 } }),
      );
      const run = await cli(['serve'], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/server: unknown key|server\.colour: unknown key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
