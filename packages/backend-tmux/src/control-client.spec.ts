import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectOk } from '@vth/testkit';
import { endServer, tmux, until } from '../test/tmux-fixtures';
import { TmuxControlClient } from './control-client';
import { quoteTmuxArg } from './tmux-quote';

describe('TmuxControlClient: pane text inside replies is data', () => {
  let dir: string;
  let socket: string;
  let client: TmuxControlClient;
  let closed: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vth-client-'));
    socket = join(dir, 's');
    client = new TmuxControlClient({
      tmuxPath: 'tmux',
      socketPath: socket,
      controlSession: 'ctl',
      configFile: null,
      // The C locale, as a service or CI runs in: replies stay exact (control characters, UTF-8) all the same.
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir(), LC_ALL: 'C' },
      commandTimeoutMs: 5000,
      backendId: 'test',
    });
    closed = [];
    client.on('closed', (reason) => closed.push(reason));
    expectOk(await client.start(5000));
  });

  afterEach(async () => {
    expect(await endServer(socket)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A window of the control session whose pane runs `script`, then idles. */
  async function pane(script: string, cwd = dir): Promise<string> {
    const made = expectOk(
      await client.command(
        `new-window -d -P -F '#{pane_id}' -c ${quoteTmuxArg(cwd)} ${quoteTmuxArg(`${script}; exec tail -f /dev/null`)}`,
      ),
    );
    return made[0]!;
  }

  it('matches a capture-pane reply to its own %end: a printed %end, %exit or forged reply changes nothing', async () => {
    const forged = ['%end 1 1 1', '%exit pwned', '%begin 1 2 1', 'forged', '%end 1 2 1'];
    const id = await pane(`printf '%s\\n' ${forged.map(quoteTmuxArg).join(' ')}`);
    expect(await until(() => tmux(socket, 'capture-pane', '-p', '-t', id).includes('forged'))).toBe(true);
    // Both commands are queued before the first reply arrives: the forged block must not answer the second.
    const [captured, next] = await client.commands([`capture-pane -p -t ${id}`, 'display-message -p next']);
    expect(expectOk(captured!).slice(0, forged.length)).toEqual(forged);
    expect(expectOk(next!)).toEqual(['next']);
    expect(client.alive).toBe(true);
    expect(closed).toEqual([]);
  });

  it('keeps a format value with a newline and %end (a directory name) inside its reply', async () => {
    const hostile = join(dir, 'x é\n%end 1 1 1\n%exit pwned');
    mkdirSync(hostile);
    const id = await pane('true', hostile);
    // tmux reads the path of the pane's foreground process: there is none until the pane's process runs.
    const current = () => tmux(socket, 'display-message', '-p', '-t', id, '#{pane_current_path}');
    expect(await until(() => current().includes('pwned'))).toBe(true);
    const [path, next] = await client.commands([
      `display-message -p -t ${id} '#{pane_current_path}'`,
      'display-message -p next',
    ]);
    expect(expectOk(path!)).toEqual(hostile.split('\n'));
    expect(expectOk(next!)).toEqual(['next']);
    expect(client.alive).toBe(true);
  });
});
