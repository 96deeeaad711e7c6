// Proves what we publish works: packs every publishable package, checks the tarball holds only built
// output, types, README and package.json, runs publint and arethetypeswrong on it, then installs the
// tarballs into a consumer project outside the workspace and loads each package with require and import.
// A second consumer installs only core + factory + the tmux backend and must get nothing else (no
// node-pty, no Docker code); a third, an agent's, installs core + mcp and must get no server (fastify, ws,
// prom-client) and no backend. The package.json rules themselves are in manifest-checks.mjs.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { checkManifest, readPins, readRepositoryFields } from './manifest-checks.mjs';
import { checkTestkitRunners, testkitRunnerDependencies } from './testkit-consumer-check.mjs';

const root = resolve(import.meta.dirname, '../..');
/** Entry points other than the main ones, with a few names each must export. */
const ENTRY_POINTS = {
  '@vth/core/kit': [
    'parseInput',
    'parseExecutionContext',
    'BoundedOutputBuffer',
    'MetricsRecorder',
    'createId',
  ],
  '@vth/manager/stats': ['assignVariant', 'compareExperiment', 'mannWhitney', 'twoProportionTest'],
  '@vth/manager/testing': ['FakeBackend', 'createFakePlugin'],
  '@vth/backend-kit/testing': ['MemoryBackend', 'memoryPlugin'],
  '@vth/mcp/testing': ['TERMINAL_SCENARIOS'],
};
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
  const pins = readPins(root);
  const repository = readRepositoryFields(root);
  if (!repository)
    console.log('repository, homepage, bugs: unset in the root package.json (no public repository yet)');
  const tarballs = [];
  for (const { dir, pkg } of packages) {
    failures.push(...checkManifest(pkg, dir.split('/').pop(), { pins, repository }));
    const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], { cwd: dir }));
    const tarball = join(work, info.filename);
    tarballs.push({ name: pkg.name, tarball, pkg });
    const paths = new Set(info.files.map((f) => f.path));
    const stray = [...paths]
      .filter(
        (p) =>
          !/^(package\.json|README\.md|LICENSE|config\.schema\.json|dist\/.+\.(m?js|d\.m?ts)(\.map)?|src\/.+\.m?tsx?)$/.test(
            p,
          ) || /\.spec\.tsx?$/.test(p),
      )
      // The dashboard ships its prebuilt page.
      .filter(
        (p) => !(pkg.name === '@vth/dashboard' && /^dist\/assets\/[\w.-]+\.(html|css|js|txt)$/.test(p)),
      );
    if (stray.length) failures.push(`${pkg.name}: unexpected files in the tarball: ${stray.join(', ')}`);
    for (const needed of ['README.md', 'LICENSE'])
      if (!paths.has(needed)) failures.push(`${pkg.name}: ${needed} missing from the tarball`);
    if (!pkg.license) failures.push(`${pkg.name}: no "license" in package.json`);
    // Every source map must resolve inside the tarball (a debugger or an editor's go-to-definition opens it).
    const unresolved = new Set();
    for (const map of [...paths].filter((p) => p.endsWith('.map'))) {
      const { sources = [] } = JSON.parse(readFileSync(join(dir, map), 'utf8'));
      for (const source of sources) {
        const target = posix.normalize(posix.join(posix.dirname(map), source));
        if (!paths.has(target)) unresolved.add(`${map} -> ${source}`);
      }
    }
    if (unresolved.size)
      failures.push(
        `${pkg.name}: source maps name files not in the tarball: ${[...unresolved].slice(0, 5).join(', ')}`,
      );
    if (pkg.engines?.node !== '>=20') failures.push(`${pkg.name}: engines.node should be ">=20"`);
    // An ES-module-only entry point (`@vth/testkit/vitest`: Vitest cannot be required) is checked as such.
    const esmOnly = Object.entries(pkg.exports ?? {})
      .filter(([, target]) => typeof target === 'object' && String(target.default).endsWith('.mjs'))
      .map(([subpath]) => subpath);
    for (const [tool, args] of [
      ['publint', [tarball, '--strict']],
      [
        'attw',
        [
          tarball,
          '--profile',
          'node16',
          '--format',
          'ascii',
          ...(esmOnly.length ? ['--exclude-entrypoints', ...esmOnly] : []),
        ],
      ],
      ...(esmOnly.length
        ? [['attw', [tarball, '--profile', 'esm-only', '--format', 'ascii', '--entrypoints', ...esmOnly]]]
        : []),
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
        dependencies: {
          ...Object.fromEntries(tarballs.map((t) => [t.name, `file:${t.tarball}`])),
          // An optional peer of @vth/backend-node-pty: an app that uses that backend installs it.
          'node-pty': JSON.parse(readFileSync(join(root, 'packages/backend-node-pty/package.json'), 'utf8'))
            .peerDependencies['node-pty'],
          // The testkit's optional peers: the runners its checks below use.
          ...testkitRunnerDependencies(
            JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')),
            tarballs.find((t) => t.name === '@vth/testkit').pkg,
          ),
        },
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
  // Every peer is met, by one copy (npm ls exits non-zero on a missing or invalid peer).
  try {
    run('npm', ['ls', '--all'], { cwd: consumer, stdio: 'pipe' });
    console.log('consumer: npm ls --all finds every dependency and peer met');
  } catch (e) {
    failures.push(`consumer: npm ls --all reports problems:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  const coreCopies = installedPackages(join(consumer, 'node_modules')).filter((p) => p === '@vth/core');
  if (coreCopies.length !== 1) failures.push(`consumer: ${coreCopies.length} copies of @vth/core`);
  failures.push(...minimalConsumer(work, tarballs));
  failures.push(...mcpConsumer(work, tarballs));
  for (const { name, pkg } of tarballs) {
    if (name === '@vth/testkit') {
      // A test library loads only inside a test runner: prove it under each, as a third-party backend's spec would.
      failures.push(...checkTestkitRunners(consumer));
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
    // Every other entry point of the exports map loads too (`@vth/manager/testing`, ...), with require and import.
    for (const subpath of Object.keys(pkg.exports ?? {})) {
      if (subpath === '.' || subpath === './package.json' || subpath === './plugin') continue;
      const entry = `${name}/${subpath.slice(2)}`;
      if (subpath.endsWith('.schema.json')) {
        // A JSON Schema for editors and validators: it resolves and is one.
        const schema = run('node', ['-e', `console.log(require(${JSON.stringify(entry)}).$schema)`], {
          cwd: consumer,
        }).trim();
        if (!schema.startsWith('https://json-schema.org/')) failures.push(`${entry}: not a JSON Schema`);
        else console.log(`  ${entry}: resolves (${schema})`);
        continue;
      }
      const count = run(
        'node',
        ['-e', `console.log(Object.keys(require(${JSON.stringify(entry)})).length)`],
        {
          cwd: consumer,
        },
      ).trim();
      const esmCount = run(
        'node',
        [
          '--input-type=module',
          '-e',
          `import * as m from ${JSON.stringify(entry)}; console.log(Object.keys(m).length)`,
        ],
        { cwd: consumer },
      ).trim();
      if (!(Number(count) > 0) || !(Number(esmCount) > 0))
        failures.push(`${entry}: no exports when loaded from a consumer (cjs ${count}, esm ${esmCount})`);
      else console.log(`  ${entry}: require ok (${count} exports), import ok`);
    }
  }
  // The deliberate surfaces: each entry point exists and holds what it is for (helpers moved off the main
  // entries stay reachable where the READMEs say).
  for (const [entry, names] of Object.entries(ENTRY_POINTS)) {
    const found = JSON.parse(
      run(
        'node',
        [
          '-e',
          `const m = require(${JSON.stringify(entry)}); console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => n in m)))`,
        ],
        { cwd: consumer },
      ),
    );
    const missing = names.filter((_, i) => !found[i]);
    if (missing.length) failures.push(`${entry}: missing ${missing.join(', ')}`);
    else console.log(`  ${entry}: ${names.join(', ')}`);
  }
  // ...and the main entries stay narrow: no kit helper or statistics helper there.
  for (const [main, entry] of [
    ['@vth/core', '@vth/core/kit'],
    ['@vth/manager', '@vth/manager/stats'],
  ]) {
    const leaked = run(
      'node',
      [
        '-e',
        `const a = require(${JSON.stringify(main)}), b = require(${JSON.stringify(entry)}); console.log(Object.keys(b).filter((k) => k in a).join(' '))`,
      ],
      { cwd: consumer },
    ).trim();
    if (leaked) failures.push(`${main} exports what belongs to ${entry}: ${leaked}`);
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
  // The server and its wire format from the consumer: a node-pty server answers a vth.v1 client.
  for (const name of ['@vth/protocol', '@vth/server'])
    if (!tarballs.some((t) => t.name === name)) failures.push(`${name} was not packed`);
  const served = `
    const { NodePtyBackend } = require('@vth/backend-node-pty');
    const { createServer } = require('@vth/server');
    const { clientProtocols, decodeServerMessage, encodeMessage } = require('@vth/protocol');
    const WebSocket = require('ws');
    (async () => {
      const backend = new NodePtyBackend();
      if (!(await backend.initialize({})).ok) throw new Error('backend');
      const server = createServer({ backend, config: { port: 0 } });
      if (!server.ok) throw server.error;
      const url = (await server.value.listen()).value.url.replace('http', 'ws') + '/v1/ws';
      const ws = new WebSocket(url, clientProtocols());
      const answer = await new Promise((resolve, reject) => {
        ws.on('error', reject);
        ws.on('message', (data) => {
          const m = decodeServerMessage(data.toString());
          if (m.ok && m.message.type === 'hello')
            ws.send(encodeMessage({ type: 'request', requestId: 'r1', op: 'backend.health', params: {} }));
          if (m.ok && m.message.type === 'result') resolve(m.message.ok);
        });
      });
      ws.close();
      await server.value.close();
      await backend.shutdown();
      console.log('served ' + answer);
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const servedOut = run('node', ['-e', served], { cwd: consumer }).trim();
  if (servedOut !== 'served true') failures.push(`consumer server run printed ${JSON.stringify(servedOut)}`);
  else console.log('consumer: @vth/server served @vth/protocol to a ws client');
  // The dashboard's page is in the installed package, ready to serve (no build step for the user).
  const page = `
    const { readFileSync } = require('node:fs');
    const { join } = require('node:path');
    const { dashboardAssetsDir } = require('@vth/dashboard');
    const html = readFileSync(join(dashboardAssetsDir, 'index.html'), 'utf8');
    const js = readFileSync(join(dashboardAssetsDir, 'app.js'), 'utf8');
    console.log(html.includes('src="app.js"') && js.length > 1000);`;
  const pageOut = run('node', ['-e', page], { cwd: consumer }).trim();
  if (pageOut !== 'true') failures.push(`consumer dashboard check printed ${JSON.stringify(pageOut)}`);
  else console.log('consumer: the dashboard package holds its prebuilt page');
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Names of every package installed under `modules`, nested copies included (one entry per copy). */
function installedPackages(modules) {
  if (!existsSync(modules)) return [];
  const names = [];
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@')
      ? readdirSync(join(modules, entry)).map((n) => [`${entry}/${n}`, join(modules, entry, n)])
      : [[entry, join(modules, entry)]];
    for (const [name, dir] of dirs) {
      names.push(name);
      names.push(...installedPackages(join(dir, 'node_modules')));
    }
  }
  return names;
}

/**
 * Installs `@vth/core @vth/factory @vth/backend-tmux` alone (the other @vth tarballs only as overrides, so
 * npm takes them from here when something needs them, never from the registry) and checks that the tree
 * holds what those three need and nothing more, then runs a command on tmux through the factory.
 */
/**
 * A consumer project of its own that installs only `wanted` from the tarballs (the other vth packages
 * resolve to their tarballs too, should anything pull them in); answers its folder and what got installed.
 */
function installOnly(work, tarballs, name, wanted) {
  const dir = join(work, name);
  mkdirSync(dir);
  const file = Object.fromEntries(tarballs.map((t) => [t.name, `file:${t.tarball}`]));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: `vth-${name}`,
      private: true,
      dependencies: Object.fromEntries(wanted.map((n) => [n, file[n]])),
      overrides: Object.fromEntries(Object.entries(file).filter(([n]) => !wanted.includes(n))),
    }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { dir, installed: [...new Set(installedPackages(join(dir, 'node_modules')))].sort() };
}

/**
 * An agent's install: `@vth/core` + `@vth/mcp` get no server (fastify, ws, prom-client), no backend and
 * no native module, and the MCP server's entry point loads.
 */
function mcpConsumer(work, tarballs) {
  const problems = [];
  const wanted = ['@vth/core', '@vth/mcp'];
  const { dir, installed } = installOnly(work, tarballs, 'consumer-mcp', wanted);
  const vth = installed.filter((n) => n.startsWith('@vth/'));
  const allowedVth = new Set([...wanted, '@vth/security']);
  const notWanted = ['fastify', 'prom-client', 'ws', 'node-pty'];
  const extra = [...vth.filter((n) => !allowedVth.has(n)), ...installed.filter((n) => notWanted.includes(n))];
  if (extra.length) problems.push(`consumer-mcp: an agent's install pulled in ${extra.join(', ')}`);
  for (const name of wanted)
    if (!installed.includes(name)) problems.push(`consumer-mcp: ${name} is not installed`);
  console.log(`consumer-mcp: ${installed.length} packages installed; vth: ${vth.join(', ')}`);
  const smoke = `const m = require('@vth/mcp'); console.log(typeof m.createMcpHost);`;
  const out = run('node', ['-e', smoke], { cwd: dir }).trim();
  if (out !== 'function') problems.push(`consumer-mcp: createMcpHost is ${out}`);
  else console.log('consumer-mcp: core + mcp installed without the server, and @vth/mcp loads');
  return problems;
}

function minimalConsumer(work, tarballs) {
  const problems = [];
  const wanted = ['@vth/core', '@vth/factory', '@vth/backend-tmux'];
  const { dir, installed } = installOnly(work, tarballs, 'consumer-tmux', wanted);
  // What core + factory + tmux need: the kit and shell integration the backend is built on, the security
  // layer it applies, and zod.
  const allowed = new Set([...wanted, '@vth/backend-kit', '@vth/shell-integration', '@vth/security', 'zod']);
  const extra = installed.filter((n) => !allowed.has(n));
  if (extra.length)
    problems.push(`consumer-tmux: installed more than core + factory + tmux need: ${extra.join(', ')}`);
  for (const name of wanted)
    if (!installed.includes(name)) problems.push(`consumer-tmux: ${name} is not installed`);
  console.log(`consumer-tmux: ${installed.length} packages installed: ${installed.join(', ')}`);
  const smoke = `
    const { BackendFactory } = require('@vth/factory');
    const { plugin } = require('@vth/backend-tmux');
    (async () => {
      const factory = new BackendFactory({ plugins: [plugin] });
      const b = await factory.create('tmux');
      if (!b.ok) throw b.error;
      try {
        const s = await b.value.createSession();
        if (!s.ok) throw s.error;
        const r = await b.value.executeCommand(s.value.id, 'echo tmux-consumer-ok');
        if (!r.ok) throw r.error;
        console.log(r.value.output.trim());
      } finally {
        await b.value.shutdown();
      }
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const out = run('node', ['-e', smoke], { cwd: dir }).trim();
  if (out !== 'tmux-consumer-ok') problems.push(`consumer-tmux smoke run printed ${JSON.stringify(out)}`);
  else console.log('consumer-tmux: factory + tmux backend ran a command');
  return problems;
}

if (failures.length) {
  console.error(`\npack check failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
