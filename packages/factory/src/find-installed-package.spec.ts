import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findInstalledPackage, isValidPackageName, nodeModulesDirs } from './find-installed-package';

describe('nodeModulesDirs', () => {
  it('lists node_modules folders nearest first, never nesting node_modules/node_modules', () => {
    const start = path.join(path.sep, 'srv', 'app', 'node_modules', 'pkg');
    expect(nodeModulesDirs(start)).toEqual([
      path.join(path.sep, 'srv', 'app', 'node_modules', 'pkg', 'node_modules'),
      path.join(path.sep, 'srv', 'app', 'node_modules'),
      path.join(path.sep, 'srv', 'node_modules'),
      path.join(path.sep, 'node_modules'),
    ]);
  });
});

describe('isValidPackageName', () => {
  it.each(['tmux', '@vth/backend-tmux', 'left-pad', 'a.b_c~d', 'JSONStream'])('accepts %s', (name) => {
    expect(isValidPackageName(name)).toBe(true);
  });
  it.each(['', '..', '../x', '@scope/../x', '@scope/', 'a/b', '.hidden', '_under', '@/x', 'a b'])(
    'rejects %j',
    (name) => {
      expect(isValidPackageName(name)).toBe(false);
    },
  );
});

describe('findInstalledPackage', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'vth-factory-find-'));
    for (const dir of [
      path.join(root, 'node_modules', 'hoisted'),
      path.join(root, 'node_modules', '@scope', 'pkg'),
      path.join(root, 'app', 'node_modules', 'near'),
      path.join(root, 'app', 'node_modules', 'hoisted'),
    ]) {
      await mkdir(dir, { recursive: true });
    }
    await writeFile(path.join(root, 'node_modules', 'hoisted', 'package.json'), '{}');
    await writeFile(path.join(root, 'node_modules', '@scope', 'pkg', 'package.json'), '{}');
    await writeFile(path.join(root, 'app', 'node_modules', 'near', 'package.json'), '{}');
    // A folder without package.json (a leftover) does not shadow the real package further up.
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the nearest installed copy, walking up past folders without a package.json', async () => {
    const app = path.join(root, 'app');
    await expect(findInstalledPackage('near', app)).resolves.toBe(path.join(app, 'node_modules', 'near'));
    await expect(findInstalledPackage('hoisted', app)).resolves.toBe(
      path.join(root, 'node_modules', 'hoisted'),
    );
    await expect(findInstalledPackage('@scope/pkg', app)).resolves.toBe(
      path.join(root, 'node_modules', '@scope', 'pkg'),
    );
    await expect(findInstalledPackage('vth-certainly-not-installed-anywhere', app)).resolves.toBeUndefined();
    await expect(findInstalledPackage('../app/node_modules/near', app)).resolves.toBeUndefined();
  });
});
