import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const NODE_PTY_PACKAGE = path.resolve(__dirname, '..', '..', '..', '..', 'packages', 'backend-node-pty');

function writePackage(root: string, name: string, files: Record<string, string>): void {
  const dir = path.join(root, 'node_modules', ...name.split('/'));
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
}

/**
 * A temporary app whose dependencies hold the real node-pty backend (linked), a plugin of the wrong
 * shape, a plugin module that throws on load, and an ordinary library. Returns its package.json.
 */
export function createPluginFixtureApp(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'vth-fixture-app-'));
  const dependencies = {
    '@vth/backend-node-pty': '0.0.0',
    'vth-backend-misshapen': '1.0.0',
    'vth-backend-throws': '1.0.0',
    'plain-library': '1.0.0',
  };
  writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'fixture-app', private: true, dependencies }, null, 2),
  );
  mkdirSync(path.join(root, 'node_modules', '@vth'), { recursive: true });
  symlinkSync(NODE_PTY_PACKAGE, path.join(root, 'node_modules', '@vth', 'backend-node-pty'), 'dir');
  const manifest = (name: string) =>
    JSON.stringify({ name, version: '1.0.0', main: 'plugin.js', vth: { backend: './plugin.js' } });
  writePackage(root, 'vth-backend-misshapen', {
    'package.json': manifest('vth-backend-misshapen'),
    'plugin.js': "exports.plugin = { type: 'misshapen', version: 1, create: 'not a function' };\n",
  });
  writePackage(root, 'vth-backend-throws', {
    'package.json': manifest('vth-backend-throws'),
    'plugin.js': "throw new Error('this plugin cannot load');\n",
  });
  writePackage(root, 'plain-library', {
    'package.json': JSON.stringify({ name: 'plain-library', version: '1.0.0' }),
  });
  return path.join(root, 'package.json');
}
