import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AlertEngine, type AlertingConfigInput } from '@vth/alerting';
import { listTmuxProcesses, plugin as tmuxPlugin, type TmuxBackend } from '@vth/backend-tmux';
import { plugin as nodePtyPlugin } from '@vth/backend-node-pty';
import { BackendFactory } from '@vth/factory';
import { BackendManager, type ManagerConfigInput } from '@vth/manager';
import { createServer, hashToken, type VthServer } from '@vth/server';
import { chromium, type Browser, type Page } from 'playwright-core';
// The package as installed (its built entry and prebuilt assets), as a user gets it.
import { dashboardAssetsDir } from '@vth/dashboard';

/** Debian's Chromium, or the one `VTH_CHROMIUM` names. Playwright's own browser download is never used. */
export const CHROMIUM = process.env.VTH_CHROMIUM ?? '/usr/bin/chromium';
export const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');
export const TOKENS = { root: 'root-token-0123456789', alice: 'alice-token-0123456789' };

export interface DashboardHarness {
  url: string;
  manager: BackendManager;
  engine: AlertEngine;
  server: VthServer;
  browser: Browser;
  /** A fresh page (own context: own sessionStorage), signed in with `token`, on `view`. */
  open(token: string, view?: string): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  /** Kills the tmux server under pool backend `id` (the socket is remembered for the leak check). */
  killTmux(id: string): void;
  socketOf(id: string): string;
  close(): Promise<void>;
}

/**
 * A real `BackendManager` (tmux and node-pty), an `AlertEngine` on it, a real server on 127.0.0.1 with the
 * dashboard's assets and tokens (root: admin, alice: user), and Debian's headless Chromium.
 */
export async function startDashboard(options: {
  manager: ManagerConfigInput;
  alerting: AlertingConfigInput;
}): Promise<DashboardHarness> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const sockets = new Set<string>();
  const manager = new BackendManager({
    factory: new BackendFactory({ plugins: [tmuxPlugin, nodePtyPlugin] }),
  });
  const started = await manager.initialize(options.manager as never);
  if (!started.ok) throw started.error;
  const socketOf = (id: string): string => {
    const socket = (manager.instanceOf(id) as TmuxBackend).socket;
    sockets.add(socket);
    return socket;
  };
  for (const b of manager.backends()) if (b.type === 'tmux') socketOf(b.id);
  const engine = AlertEngine.create({ config: options.alerting, sinks: [] });
  if (!engine.ok) throw engine.error;
  const attached = engine.value.attach(manager);
  if (!attached.ok) throw attached.error;
  const created = createServer({
    backend: manager,
    config: {
      port: 0,
      events: { metricsIntervalMs: 250 },
      auth: {
        tokens: [
          { id: 'root', userId: 'root', role: 'admin', sha256: hashToken(TOKENS.root) },
          { id: 'alice', userId: 'alice', role: 'user', sha256: hashToken(TOKENS.alice) },
        ],
      },
    },
    staticAssets: { dir: dashboardAssetsDir },
    alerts: engine.value,
  });
  if (!created.ok) throw created.error;
  const server = created.value;
  const listening = await server.listen();
  if (!listening.ok) throw listening.error;
  const url = listening.value.url;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Root in a container has no user namespaces for Chromium's sandbox.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  return {
    url,
    manager,
    engine: engine.value,
    server,
    browser,
    async open(token, view = 'backends') {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      // A script error fails the test that meets it, with the browser's words.
      page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
      await page.goto(`${url}/dashboard/#${view}`);
      try {
        await page.getByLabel('Token').fill(token);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByTestId('whoami').waitFor();
      } catch (e) {
        const text = await page.locator('body').innerText();
        throw new Error(
          `${e instanceof Error ? e.message : String(e)}\nthe page showed: ${text.slice(0, 2000)}`,
        );
      }
      return page;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
    },
    killTmux(id) {
      execFileSync('tmux', ['-S', socketOf(id), 'kill-server']);
    },
    socketOf,
    async close() {
      // Replacements (a hot swap) and rebuilt backends run on servers of their own: remember them too.
      for (const b of manager.backends()) if (b.type === 'tmux' && b.running) socketOf(b.id);
      await browser.close();
      await server.close();
      await engine.value.shutdown();
      await manager.shutdown();
      const left = listTmuxProcesses(sockets);
      if (left.length) throw new Error(`tmux servers left running: ${JSON.stringify(left)}`);
    },
  };
}
