import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createDefaultFactory, describeDiscovery, findNearestPackageJson } from './default-factory';

describe('default factory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vth-tmux-integration-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the nearest package.json at or above a folder', () => {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app' }));
    const nested = path.join(dir, 'src', 'deep');
    mkdirSync(nested, { recursive: true });
    expect(findNearestPackageJson(nested)).toBe(path.join(dir, 'package.json'));
    expect(findNearestPackageJson(dir)).toBe(path.join(dir, 'package.json'));
  });

  it('returns null when no package.json exists up to the root', () => {
    expect(findNearestPackageJson(dir)).toBeNull();
  });

  it('discovers from the nearest package.json and reports what it found', async () => {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', dependencies: {} }));
    const { factory, discovery } = await createDefaultFactory(path.join(dir));
    expect(factory.list()).toEqual([]);
    expect(discovery.from).toBe(path.join(dir, 'package.json'));
    expect(discovery.report).toEqual({ plugins: [], failures: [], skipped: [], warnings: [] });
    expect(describeDiscovery(discovery)).toContain('found no backend plugins');
  });

  it('reports a dependency that is not installed', async () => {
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'app', dependencies: { '@acme/vth-backend-missing': '1.0.0' } }),
    );
    const { discovery } = await createDefaultFactory(dir);
    expect(discovery.report?.failures).toEqual([
      { package: '@acme/vth-backend-missing', reason: expect.any(String) },
    ]);
    expect(describeDiscovery(discovery)).toContain('could not load @acme/vth-backend-missing');
  });

  it('says why nothing was discovered when there is no package.json', async () => {
    const { factory, discovery } = await createDefaultFactory(dir);
    expect(factory.list()).toEqual([]);
    expect(discovery.from).toBeNull();
    expect(describeDiscovery(discovery)).toMatch(/no package\.json found/);
  });

  it('reports a package.json that is not JSON', async () => {
    writeFileSync(path.join(dir, 'package.json'), '{ not json');
    const { discovery } = await createDefaultFactory(dir);
    expect(discovery.report).toBeNull();
    expect(describeDiscovery(discovery)).toMatch(/plugin discovery failed/);
  });
});
