import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { dialectForShell } from './dialect-for-shell';
import { resolveExecutable } from './resolve-executable';

describe('resolveExecutable', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vth-resolve-'));
    writeFileSync(join(dir, 'runme'), '#!/bin/sh\n');
    chmodSync(join(dir, 'runme'), 0o755);
    writeFileSync(join(dir, 'plain'), 'not executable');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a name in the first PATH directory that holds it executable', async () => {
    expect(await resolveExecutable('runme', `/nonexistent::${dir}`)).toBe(join(dir, 'runme'));
    expect(await resolveExecutable('sh', '/bin')).toBe('/bin/sh');
  });

  it('skips a file that is not executable, and answers null when nothing is found', async () => {
    expect(await resolveExecutable('plain', dir)).toBeNull();
    expect(await resolveExecutable('no-such-program', dir)).toBeNull();
    expect(await resolveExecutable('runme', '')).toBeNull();
  });

  it('takes a name with a slash as a path, resolving a relative one against the cwd', async () => {
    expect(await resolveExecutable(join(dir, 'runme'), '')).toBe(join(dir, 'runme'));
    expect(await resolveExecutable(relative(process.cwd(), join(dir, 'runme')), '')).toBe(join(dir, 'runme'));
    expect(await resolveExecutable(join(dir, 'plain'))).toBeNull();
  });

  it('uses process PATH by default', async () => {
    expect(await resolveExecutable('bash')).toMatch(/\/bash$/);
  });
});

describe('dialectForShell', () => {
  it('gives bash and its variants the bash dialect, every other shell the POSIX one', () => {
    expect(dialectForShell('/usr/bin/bash').name).toBe('bash');
    expect(dialectForShell('bash5').name).toBe('bash');
    expect(dialectForShell('/bin/sh').name).not.toBe('bash');
    expect(dialectForShell('/usr/bin/dash').name).toBe(dialectForShell('zsh').name);
  });
});
