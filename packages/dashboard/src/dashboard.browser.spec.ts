import { type Page } from 'playwright-core';
import { startDashboard, TOKENS, type DashboardHarness } from './test-support/dashboard-harness.fixture';

jest.setTimeout(120_000);

/** The text of every row of the xterm.js screen in `scope` (the DOM renderer draws one div per row). */
function screenRows(page: Page, scope: string): Promise<string[]> {
  return page.$$eval(`${scope} .xterm-rows > div`, (rows) =>
    rows.map((r) => (r.textContent ?? '').trimEnd()),
  );
}

describe('the dashboard in headless Chromium, over a real server, manager, tmux and node-pty', () => {
  let h: DashboardHarness;
  beforeAll(async () => {
    h = await startDashboard({
      manager: {
        backends: [
          { type: 'tmux', id: 't1' },
          { type: 'node-pty', id: 'p1', config: { killGraceMs: 200 } },
        ],
        strategy: 'primary-fallback',
        // Short probes: one failure ejects for 1.5 s, one pass brings back.
        probe: { intervalMs: 200, timeoutMs: 5_000 },
        health: { consecutiveFailures: 1, baseEjectionMs: 1_500, recoveryProbes: 1, maxEjectionPercent: 100 },
      },
      alerting: {
        evaluationIntervalMs: 100,
        rules: [{ kind: 'backend-unhealthy', forMs: 0, resolveAfterMs: 1_000 }],
      },
    });
  });
  afterAll(() => h?.close());

  it('shows the live pool; a killed tmux server turns its backend ejected, fires an alert, then both recover', async () => {
    const page = await h.open(TOKENS.root);
    await page.locator('[data-testid="backend-t1"][data-status="healthy"]').waitFor();
    await page.locator('[data-testid="backend-p1"][data-status="healthy"]').waitFor();
    await expectText(page, '[data-testid="backend-t1"] dd', 'tmux');
    // Live: the snapshot time moves on by itself.
    const first = await page.getByTestId('metrics-at').textContent();
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid="metrics-at"]')?.textContent !== before,
      first,
    );
    await page.locator('[data-testid="chart-t1"] svg').waitFor();
    await h.screenshot(page, 'backends-live');

    h.killTmux('t1');
    await page.locator('[data-testid="backend-t1"][data-status="ejected"]').waitFor();
    await page.locator('[data-testid="timeline"] li.backend-ejected', { hasText: 't1 ejected' }).waitFor();
    await h.screenshot(page, 'backend-ejected');
    await page.getByRole('link', { name: /Alerts/ }).click();
    const firing = page.locator('[data-testid="active-alerts"] [data-rule="backend-unhealthy"]');
    await firing.waitFor();
    expect(await firing.textContent()).toContain('backend t1 (tmux)');
    await h.screenshot(page, 'alert-firing');
    await page.locator('[data-testid="resolved-alerts"] [data-rule="backend-unhealthy"]').waitFor();
    await firing.waitFor({ state: 'detached' });
    await h.screenshot(page, 'alert-resolved');
    await page.getByRole('link', { name: 'Backends' }).click();
    await page.locator('[data-testid="backend-t1"][data-status="healthy"]').waitFor();
    await page
      .locator('[data-testid="timeline"] li.backend-recovered', { hasText: 't1 recovered' })
      .waitFor();
    await page.context().close();
  });

  it('runs `echo hi` in a terminal in the page, and a viewer sees it without typing', async () => {
    const page = await h.open(TOKENS.root, 'sessions');
    await page.getByRole('button', { name: 'New session' }).click();
    await page
      .getByTestId('terminal-state')
      .filter({ hasText: /writer · \d+×\d+/ })
      .waitFor();
    await page.locator('[data-testid="terminal"] .xterm-helper-textarea').focus();
    await page.keyboard.type('echo hi\r');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="terminal"] .xterm-rows > div')].some(
        (r) => (r.textContent ?? '').trim() === 'hi',
      ),
    );
    await h.screenshot(page, 'terminal-echo-hi');
    const id = (await page.locator('[data-testid="session-list"] tbody th').first().textContent())!;
    await page.getByRole('button', { name: `Watch ${id}` }).click();
    await page
      .getByTestId('terminal-state')
      .filter({ hasText: /viewer/ })
      .waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="terminal"] .xterm-rows > div')].some(
        (r) => (r.textContent ?? '').trim() === 'hi',
      ),
    );
    // A viewer's keys go nowhere: the session's output after them is unchanged.
    await page.keyboard.type('echo nope\r');
    const captured = await h.manager.capture(id);
    expect(captured.ok && captured.value).not.toContain('nope');
    expect(await screenRows(page, '[data-testid="terminal"]')).not.toContain('nope');
    await page.getByRole('button', { name: `Close ${id}` }).click();
    await page.getByRole('button', { name: 'Close session' }).click();
    await page.getByTestId(`session-${id}`).waitFor({ state: 'detached' });
    expect((await h.manager.listSessions()).ok && (await listIds(h)).includes(id)).toBe(false);
    await page.context().close();
  });

  it('hot-swaps a backend under load with the progress shown, losing no command', async () => {
    const sessions = await Promise.all([0, 1, 2].map(() => h.manager.createSession()));
    const ids = sessions.map((s) => (s.ok ? s.value.id : fail(s.error)));
    expect(ids.map((id) => h.manager.backendOf(id))).toEqual(['t1', 't1', 't1']);
    let stop = false;
    const failures: string[] = [];
    let runs = 0;
    const load = Promise.all(
      ids.map(async (id) => {
        while (!stop) {
          const r = await h.manager.executeCommand(id, 'echo load');
          runs++;
          if (!r.ok) failures.push(`${r.error.code}: ${r.error.message}`);
          else if (r.value.output !== 'load\n') failures.push(`output ${JSON.stringify(r.value.output)}`);
        }
      }),
    );
    const page = await h.open(TOKENS.root);
    const result = page.getByTestId('action-result');
    try {
      await page.getByLabel('Backend', { exact: true }).selectOption('t1');
      await page.getByRole('button', { name: 'Hot swap…' }).click();
      await page.getByRole('dialog').getByLabel('Replacement type').selectOption('tmux');
      await page.getByRole('dialog').getByRole('button', { name: 'Swap' }).click();
      await result.waitFor();
    } catch (e) {
      await h.screenshot(page, 'hot-swap-failed');
      throw e;
    } finally {
      stop = true;
      await load;
    }
    await h.screenshot(page, 'hot-swap-done');
    expect(await result.textContent()).toMatch(/^done in \d+ ms: 3 moved, 0 ended, 0 forced, 0 lost$/);
    const steps = await page.locator('[data-testid="action-progress"] li').allTextContents();
    expect(steps).toEqual([
      '✓ replacement starting',
      '✓ replacement up, probes passed',
      '✓ sessions moved: 3',
      '✓ old backend gone',
    ]);
    await page.locator('[data-testid="timeline"] li.backend-swapped', { hasText: 't1 swapped' }).waitFor();
    expect(failures).toEqual([]);
    expect(runs).toBeGreaterThan(0);
    h.socketOf('t1');
    for (const id of ids) expect((await h.manager.destroySession(id)).ok).toBe(true);
    await page.context().close();
  });

  it('refuses invalid experiment weights with the schema messages, then starts one whose figures update, then stops it', async () => {
    const page = await h.open(TOKENS.root, 'experiments');
    const form = page.getByTestId('experiment-form');
    await form.getByLabel('Name', { exact: true }).fill('ab-dash');
    await form.getByLabel('Variant 1 weight').fill('-1');
    await form.getByRole('button', { name: 'Start' }).click();
    await expectText(page, '[data-testid="error-variants.0.weight"]', 'must be 0 or more');
    expect(await form.getByLabel('Variant 1 weight').getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('Variant 1 weight').fill('0');
    await form.getByLabel('Variant 2 weight').fill('0');
    await form.getByRole('button', { name: 'Start' }).click();
    await expectText(page, '[data-testid="error-variants"]', 'at least one variant needs a weight above 0');
    await h.screenshot(page, 'experiment-invalid');
    expect(h.manager.runningExperiments()).toEqual([]);

    await form.getByLabel('Variant 1 weight').fill('1');
    await form.getByLabel('Variant 2 weight').fill('1');
    await form.getByRole('button', { name: 'Start' }).click();
    const card = page.getByTestId('experiment-ab-dash');
    await card.waitFor();
    expect(h.manager.runningExperiments()).toEqual(['ab-dash']);
    // Users the experiment takes run commands: the per-variant figures on the page follow.
    const users = Array.from({ length: 8 }, (_, i) => `user-${i}`);
    const ids: string[] = [];
    for (const userId of users) {
      const s = await h.manager.createSession({}, { userId });
      if (!s.ok) throw s.error;
      ids.push(s.value.id);
      for (let i = 0; i < 2; i++)
        expect((await h.manager.executeCommand(s.value.id, 'true', undefined, { userId })).ok).toBe(true);
    }
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="experiment-ab-dash"] [data-testid="commands"]')]
          .map((c) => Number(c.textContent))
          .reduce((a, b) => a + b, 0) === 16,
    );
    expect(await card.getByTestId('verdict-summary').count()).toBe(1);
    await h.screenshot(page, 'experiment-running');
    await card.getByRole('button', { name: 'Stop…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Stop experiment' }).click();
    await page.locator('[data-testid="experiment-ab-dash"][data-running="false"]').waitFor();
    expect(h.manager.runningExperiments()).toEqual([]);
    for (const id of ids) await h.manager.destroySession(id);
    await page.context().close();
  });

  it('shows a user their own sessions only and no admin action', async () => {
    const page = await h.open(TOKENS.alice);
    await page.getByRole('alert').filter({ hasText: 'admins only' }).waitFor();
    expect(await page.getByRole('button', { name: 'Hot swap…' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('button', { name: 'New session' }).click();
    await page
      .getByTestId('terminal-state')
      .filter({ hasText: /writer/ })
      .waitFor();
    const rows = await page.locator('[data-testid="session-list"] tbody tr').count();
    expect(rows).toBe(1);
    await h.screenshot(page, 'user-view');
    await page.context().close();
  });
});

async function expectText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector, { hasText: text }).first().waitFor();
}

async function listIds(h: DashboardHarness): Promise<string[]> {
  const r = await h.manager.listSessions();
  return r.ok ? r.value.map((s) => s.id) : [];
}

function fail(e: Error): never {
  throw e;
}
