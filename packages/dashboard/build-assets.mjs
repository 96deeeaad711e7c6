// Bundles the page (web/) into dist/assets: app.js (Preact, htm, xterm.js, @vth/protocol; minified, one
// file, no external request), app.css, xterm.css and index.html. Users of the package need no build step.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist', 'assets');
const require = createRequire(import.meta.url);
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'web', 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome111', 'firefox111', 'safari16.4'],
  sourcemap: false,
  legalComments: 'linked',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
});
copyFileSync(join(here, 'web', 'index.html'), join(out, 'index.html'));
copyFileSync(join(here, 'web', 'app.css'), join(out, 'app.css'));
copyFileSync(require.resolve('@xterm/xterm/css/xterm.css'), join(out, 'xterm.css'));
