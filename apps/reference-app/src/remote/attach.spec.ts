import { createServer } from 'node:net';
import * as pty from 'node-pty';
import { CLI, runCli } from '../test-support/cli-process.fixture';
import { serveCli, type ServedCli } from '../test-support/served-cli.fixture';

/** `vth attach` in a real pseudo-terminal, then `stty -a` of that terminal once it has exited. */
class AttachInTerminal {
  private output = '';
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number>;
  private readonly term: pty.IPty;

  constructor(args: string[], size = { cols: 91, rows: 27 }) {
    const quoted = args.map((a) => `'${a}'`).join(' ');
    this.term = pty.spawn(
      'bash',
      [
        '--norc',
        '--noprofile',
        '-c',
        `'${process.execPath}' '${CLI}' ${quoted}; echo "[rc=$?]"; stty -a | tr '\\n' ' '; echo "[end]"; read -r _`,
      ],
      {
        ...size,
        name: 'xterm',
        env: { ...process.env, VTH_TOKEN: '', VTH_URL: '' } as Record<string, string>,
      },
    );
    this.term.onData((d) => {
      this.output += d;
      for (const w of this.waiters) w();
    });
    this.exited = new Promise((resolve) => this.term.onExit(({ exitCode }) => resolve(exitCode)));
  }

  get text(): string {
    return this.output;
  }

  /** Resolves once the output so far matches; rejects with the output at the deadline. */
  until(pattern: RegExp, deadlineMs = 30_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.output);
        if (!match) return;
        cleanup();
        resolve(match);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${pattern} in: ${JSON.stringify(this.output)}`));
      }, deadlineMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  type(keys: string): void {
    this.term.write(keys);
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
  }

  /** The terminal's line discipline after vth exited: cooked (icanon, echo) again, not raw. */
  async settingsAfterExit(): Promise<string> {
    const [, settings] = (await this.until(/\[rc=\d+\]([\s\S]*)\[end\]/)) as unknown as [string, string];
    // The shell waits for a line so that nothing it printed is lost with the terminal.
    this.type('\r');
    await this.exited;
    return settings;
  }
}

function expectCookedTerminal(settings: string): void {
  expect(settings).toMatch(/(^|\s)icanon(\s|$)/);
  expect(settings).toMatch(/(^|\s)echo(\s|$)/);
  expect(settings).toMatch(/(^|\s)isig(\s|$)/);
}

/** A port nothing listens on: one the system just gave out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('vth sessions and vth attach against a running vth serve', () => {
  let server: ServedCli;
  let nowhere: string;
  beforeAll(async () => {
    server = await serveCli();
    nowhere = `http://127.0.0.1:${await closedPort()}`;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("vth sessions lists the server's sessions, as text and as JSON", async () => {
    const id = await server.createSession();
    const text = await runCli(['sessions', '--url', server.url]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^${id}\\talive\\t`, 'm'));
    const json = await runCli(['sessions', '--json'], { env: { VTH_URL: server.url } });
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { id: string }[]).map((s) => s.id)).toContain(id);
  });

  it('vth sessions against no server exits 1 naming it', async () => {
    const run = await runCli(['sessions', '--url', nowhere]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`vth: UNAVAILABLE: cannot reach ${nowhere}: ECONNREFUSED\n`);
  });

  it('attaches as a writer: keys reach the session, the terminal sizes it, resizes follow, Ctrl-] detaches and restores the terminal', async () => {
    const id = await server.createSession();
    const term = new AttachInTerminal(['attach', id, '--url', server.url], { cols: 91, rows: 27 });
    await term.until(/Ctrl-\] detaches/);
    term.type('stty size\r');
    await term.until(/27 91\r\n/);
    term.type('echo mark$((6*7))\r');
    await term.until(/mark42/);
    term.resize(100, 40);
    // The viewport message races the next command: ask again until the session has the new size.
    const sizes = () => term.text.match(/\d+ \d+\r\n/g) ?? [];
    const deadline = Date.now() + 30_000;
    while (sizes().at(-1) !== '40 100\r\n' && Date.now() < deadline) {
      const seen = sizes().length;
      term.type('stty size\r');
      await term.until(new RegExp(`(?:\\d+ \\d+\\r\\n[^]*){${seen + 1}}`));
    }
    expect(term.text).toMatch(/40 100\r\n/);
    term.type('\x1d');
    await term.until(/\[vth: detached\]/);
    expectCookedTerminal(await term.settingsAfterExit());
    expect(term.text).toContain('[rc=0]');
    // Detaching leaves the session running.
    const listed = await runCli(['sessions', '--url', server.url]);
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\talive\\t`, 'm'));
  });

  it('ends with exit code 0 and a restored terminal when the session ends while attached', async () => {
    const id = await server.createSession();
    const term = new AttachInTerminal(['attach', id, '--url', server.url]);
    await term.until(/Ctrl-\] detaches/);
    term.type('exit\r');
    await term.until(/\[vth: the session ended\]/);
    expectCookedTerminal(await term.settingsAfterExit());
    expect(term.text).toContain('[rc=0]');
  });

  it('exits 1 with the reason and a restored terminal when the server cannot be reached', async () => {
    const term = new AttachInTerminal(['attach', 's-nothing', '--url', nowhere]);
    await term.until(/vth: UNAVAILABLE: cannot reach [^ ]+: ECONNREFUSED/);
    expectCookedTerminal(await term.settingsAfterExit());
    expect(term.text).toContain('[rc=1]');
  });

  it('exits 1 naming the problem for a session that does not exist', async () => {
    const term = new AttachInTerminal(['attach', 's-doesnotexist', '--url', server.url]);
    await term.until(/\[rc=1\]/);
    expect(term.text).toMatch(/vth: SESSION_NOT_FOUND: /);
    expectCookedTerminal(await term.settingsAfterExit());
  });

  it('a URL that is not http(s) is a usage error', async () => {
    const run = await runCli(['attach', 's-x', '--url', 'ftp://host']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--url');
  });
});
