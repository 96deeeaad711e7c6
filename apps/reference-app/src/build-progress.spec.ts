import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as pty from 'node-pty';

/** What `npm start` (tools/scripts/start.sh) pipes the first build through. */
const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'tools', 'scripts', 'build-progress.sh');

/** nx's output for a build of the app and two dependencies, as `--outputStyle=static` prints it. */
const NX_OUTPUT = [
  '',
  ' NX   Running target build for project @vth/reference-app and 2 tasks it depends on:',
  '',
  '> nx run @vth/core:build  [local cache]',
  '> tsc --build tsconfig.lib.json',
  '> nx run @vth/protocol:build',
  '> nx run @vth/reference-app:build',
  ' NX   Successfully ran target build for project @vth/reference-app and 2 tasks it depends on',
].join('\n');

describe('the build progress of npm start (tools/scripts/build-progress.sh)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'vth-progress-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('on a terminal, redraws one line per task with its count, then clears it; keeps all output in the log', async () => {
    const log = path.join(dir, 'build.log');
    const nx = path.join(dir, 'nx.txt');
    writeFileSync(nx, `${NX_OUTPUT}\n`);
    const term = pty.spawn('bash', ['--norc', '--noprofile', '-c', `bash '${SCRIPT}' '${log}' < '${nx}'`], {
      cols: 120,
      rows: 10,
    });
    let seen = '';
    term.onData((d) => (seen += d));
    const exitCode = await new Promise<number>((resolve) => term.onExit(({ exitCode: c }) => resolve(c)));
    expect(exitCode).toBe(0);
    expect(seen).toContain('\r\x1b[Kvth: building 1/3 @vth/core:build');
    expect(seen).toContain('\r\x1b[Kvth: building 2/3 @vth/protocol:build');
    expect(seen).toContain('\r\x1b[Kvth: building 3/3 @vth/reference-app:build');
    expect(seen.endsWith('\r\x1b[K')).toBe(true);
    expect(readFileSync(log, 'utf8')).toBe(`${NX_OUTPUT}\n`);
  });

  it('in a pipe, prints nothing and keeps all output in the log', () => {
    const log = path.join(dir, 'build.log');
    const run = spawnSync('bash', [SCRIPT, log], { input: `${NX_OUTPUT}\n`, encoding: 'utf8' });
    expect(run).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(readFileSync(log, 'utf8')).toBe(`${NX_OUTPUT}\n`);
  });
});
