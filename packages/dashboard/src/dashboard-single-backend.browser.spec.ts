import { NodePtyBackend } from '@vth/backend-node-pty';
import { createServer, hashToken, type VthServer } from '@vth/server';
import { chromium, type Browser } from 'playwright-core';
import { dashboardAssetsDir } from '@vth/dashboard';
import { CHROMIUM, TOKENS } from './test-support/dashboard-harness.fixture';

jest.setTimeout(60_000);

describe('the dashboard over a server of one backend (no manager)', () => {
  let backend: NodePtyBackend;
  let server: VthServer;
  let browser: Browser;
  let url: string;
  beforeAll(async () => {
    backend = new NodePtyBackend();
    const init = await backend.initialize({});
    if (!init.ok) throw init.error;
    const created = createServer({
      backend,
      config: {
        port: 0,
        events: { metricsIntervalMs: 250 },
        auth: { tokens: [{ id: 'root', userId: 'root', role: 'admin', sha256: hashToken(TOKENS.root) }] },
      },
      staticAssets: { dir: dashboardAssetsDir },
    });
    if (!created.ok) throw created.error;
    server = created.value;
    const listening = await server.listen();
    if (!listening.ok) throw listening.error;
    url = listening.value.url;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await backend?.shutdown();
  });

  it('shows the backend with what it has, and a dash (never NaN) for what only a pool keeps', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/dashboard/#backends`);
    await page.getByLabel('Token').fill(TOKENS.root);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const card = page.locator(`[data-testid="backend-${backend.id}"][data-status="healthy"]`);
    await card.waitFor();
    expect((await card.getByTestId('error-rate').textContent())?.trim()).toBe('—');
    const text = await card.innerText();
    expect(text).toContain('node-pty');
    expect(text).not.toContain('NaN');
    expect(text).not.toContain('undefined');
    await page.close();
  });
});
