// Proves what we publish works: packs every publishable package, checks the tarball holds only built
// output, types, README and package.json, runs publint and arethetypeswrong on it, then installs the
// tarballs into a consumer project outside the workspace and loads each package with require and import.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', ...opts });
const work = mkdtempSync(join(tmpdir(), 'vth-pack-'));
const failures = [];

try {
  const packages = readdirSync(join(root, 'packages'))
    .map((d) => ({
      dir: join(root, 'packages', d),
      pkg: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')),
    }))
    .filter(({ pkg }) => !pkg.private);
  const tarballs = [];
  for (const { dir, pkg } of packages) {
    const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], { cwd: dir }));
    const tarball = join(work, info.filename);
    tarballs.push({ name: pkg.name, tarball, pkg });
    const stray = info.files
      .map((f) => f.path)
      .filter((p) => !/^(package\.json|README\.md|dist\/.+\.(js|d\.ts)(\.map)?)$/.test(p))
      // The dashboard ships its prebuilt page.
      .filter(
        (p) => !(pkg.name === '@vth/dashboard' && /^dist\/assets\/[\w.-]+\.(html|css|js|txt)$/.test(p)),
      );
    if (stray.length) failures.push(`${pkg.name}: unexpected files in the tarball: ${stray.join(', ')}`);
    if (!info.files.some((f) => f.path === 'README.md'))
      failures.push(`${pkg.name}: README.md missing from the tarball`);
    if (pkg.engines?.node !== '>=20') failures.push(`${pkg.name}: engines.node should be ">=20"`);
    for (const [tool, args] of [
      ['publint', [tarball, '--strict']],
      ['attw', [tarball, '--profile', 'node16', '--format', 'ascii']],
    ]) {
      try {
        run('npx', [tool, ...args], { cwd: root, stdio: 'pipe' });
      } catch (e) {
        failures.push(`${pkg.name}: ${tool} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      }
    }
    console.log(`packed ${info.filename} (${info.files.length} files, ${(info.size / 1024).toFixed(1)} kB)`);
  }

  // A consumer outside the workspace, as a user would have it.
  const consumer = join(work, 'consumer');
  run('mkdir', ['-p', consumer]);
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify(
      {
        name: 'vth-consumer',
        private: true,
        dependencies: Object.fromEntries(tarballs.map((t) => [t.name, `file:${t.tarball}`])),
        allowScripts: { 'node-pty': true, '@parcel/watcher': false },
      },
      null,
      2,
    ),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], {
    cwd: consumer,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (const { name, pkg } of tarballs) {
    if (pkg.peerDependencies?.jest) {
      // A Jest library loads only inside Jest: prove it there, as a third-party backend's spec would.
      writeFileSync(
        join(consumer, 'testkit.spec.js'),
        `const m = require(${JSON.stringify(name)});\ntest('loads', () => { expect(typeof m.describeBackendConformance).toBe('function'); });\n`,
      );
      run('npx', ['jest', '--rootDir', consumer, 'testkit.spec.js'], { cwd: consumer, stdio: 'pipe' });
      console.log(`  ${name}: loads inside Jest`);
      continue;
    }
    const cjs = run(
      'node',
      ['-e', `const m = require(${JSON.stringify(name)}); console.log(Object.keys(m).length)`],
      { cwd: consumer },
    ).trim();
    const esm = run(
      'node',
      [
        '--input-type=module',
        '-e',
        `import * as m from ${JSON.stringify(name)}; console.log(Object.keys(m).length)`,
      ],
      {
        cwd: consumer,
      },
    ).trim();
    if (!(Number(cjs) > 0) || !(Number(esm) > 0))
      failures.push(`${name}: no exports when loaded from a consumer (cjs ${cjs}, esm ${esm})`);
    if (pkg.vth?.backend) {
      const check = run(
        'node',
        [
          '-e',
          `require(${JSON.stringify(`${name}/plugin`)}).plugin.checkPlatform().then((r) => console.log(JSON.stringify(r)))`,
        ],
        { cwd: consumer },
      ).trim();
      console.log(`  ${name} plugin platform check from the consumer: ${check}`);
    }
    console.log(`  ${name}: require ok (${cjs} exports), import ok`);
    // Every other entry point of the exports map loads too (`@vth/manager/testing`, ...).
    for (const subpath of Object.keys(pkg.exports ?? {})) {
      if (subpath === '.' || subpath === './package.json' || subpath === './plugin') continue;
      const entry = `${name}/${subpath.slice(2)}`;
      const count = run(
        'node',
        ['-e', `console.log(Object.keys(require(${JSON.stringify(entry)})).length)`],
        {
          cwd: consumer,
        },
      ).trim();
      if (!(Number(count) > 0)) failures.push(`${entry}: no exports when loaded from a consumer`);
      else console.log(`  ${entry}: require ok (${count} exports)`);
    }
  }
  // The smallest working setup: core + factory + one backend, from the consumer.
  const smoke = `
    const { BackendFactory } = require('@vth/factory');
    const { plugin } = require('@vth/backend-node-pty');
    (async () => {
      const factory = new BackendFactory({ plugins: [plugin] });
      const b = await factory.create('node-pty');
      if (!b.ok) throw b.error;
      const s = await b.value.createSession();
      const r = await b.value.executeCommand(s.value.id, 'echo consumer-ok');
      await b.value.shutdown();
      console.log(r.value.output.trim());
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const out = run('node', ['-e', smoke], { cwd: consumer }).trim();
  if (out !== 'consumer-ok') failures.push(`consumer smoke run printed ${JSON.stringify(out)}`);
  else console.log('consumer: factory + node-pty backend ran a command');
  // Alerting without the server: an engine attached to a manager, and the Prometheus rules export.
  const alerting = `
    const { BackendFactory } = require('@vth/factory');
    const { BackendManager } = require('@vth/manager');
    const { plugin } = require('@vth/backend-node-pty');
    const { AlertEngine, MemoryAlertSink, prometheusRules } = require('@vth/alerting');
    (async () => {
      const manager = new BackendManager({ factory: new BackendFactory({ plugins: [plugin] }) });
      const started = await manager.initialize({ backends: [{ type: 'node-pty' }], probe: { enabled: false } });
      if (!started.ok) throw started.error;
      const engine = AlertEngine.create({ sinks: [new MemoryAlertSink()] });
      if (!engine.ok) throw engine.error;
      const attached = engine.value.attach(manager);
      if (!attached.ok) throw attached.error;
      const rules = prometheusRules({});
      if (!rules.ok) throw rules.error;
      await engine.value.shutdown();
      await manager.shutdown();
      console.log(engine.value.active().length + ' ' + rules.value.yaml.includes('alert: "BackendUnhealthy"'));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const alerted = run('node', ['-e', alerting], { cwd: consumer }).trim();
  if (alerted !== '0 true') failures.push(`consumer alerting run printed ${JSON.stringify(alerted)}`);
  else console.log('consumer: an alert engine watched a manager; the Prometheus rules export ran');
  // The dashboard's page is in the installed package, ready to serve (no build step for the user).
  const page = `
    const { readFileSync } = require('node:fs');
    const { join } = require('node:path');
    const { dashboardAssetsDir } = require('@vth/dashboard');
    const html = readFileSync(join(dashboardAssetsDir, 'index.html'), 'utf8');
    const js = readFileSync(join(dashboardAssetsDir, 'app.js'), 'utf8');
    console.log(html.includes('src="app.js"') && js.length > 1000);`;
  const served = run('node', ['-e', page], { cwd: consumer }).trim();
  if (served !== 'true') failures.push(`consumer dashboard check printed ${JSON.stringify(served)}`);
  else console.log('consumer: the dashboard package holds its prebuilt page');
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`\npack check failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
