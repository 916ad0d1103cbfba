/**
 * The dashboard with the keyboard only, in a real headless Chromium against a real server: from
 * the fleet, Tab and Enter reach every page — pair, node, runs, plan, run, trends — and back;
 * the skip link is the first stop; focus is always visible (an outline on the focused element).
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage } from '../helpers/browser';
import { REPO } from '../helpers/cli';
import { api, killAll, startServer, waitFor } from '../helpers/processes';
import type { ServerProcess } from '../helpers/processes';
import * as path from 'node:path';

jest.setTimeout(90_000);

/** The focused element's href (or tag), read as page code. */
const focusedHref = (page: Page) =>
  page.evaluate(
    `(() => { const el = document.activeElement; return el ? (el.getAttribute('href') ?? el.tagName) : ''; })()`,
  ) as Promise<string>;

/** Presses Tab until the link to `target` has the focus (at most `limit` times), then Enter. */
async function tabAndFollow(page: Page, target: string, limit = 400): Promise<void> {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab');
    if ((await focusedHref(page)) === target) {
      // The focus is visible: the focused link has an outline.
      const outline = (await page.evaluate(
        `getComputedStyle(document.activeElement).outlineStyle`,
      )) as string;
      expect({ target, outline }).toEqual({ target, outline: 'solid' });
      await page.keyboard.press('Enter');
      await page.waitForFunction(`location.hash === ${JSON.stringify(target)}`);
      return;
    }
  }
  throw new Error(`${limit} presses of Tab never reached a link to ${target}`);
}

describe('dashboard: a keyboard-only walk', () => {
  let browser: Browser;
  let server: ServerProcess;
  let planId: string;
  let runId: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startServer({ args: ['--import', path.join(REPO, 'examples', 'states')] });
    // A plan and a run to walk to (the dry run fails to reach the example nodes: still a run).
    planId = (
      (await api(server, '/api/v1/plans', { method: 'POST', body: { target: 'pair:pypi' } })) as {
        id: string;
      }
    ).id;
    const started = (await api(server, `/api/v1/plans/${planId}/run`, {
      method: 'POST',
      body: { dryRun: true },
    })) as { run: { id: string } };
    runId = started.run.id;
    await waitFor('the dry run to end', async () => {
      const run = (await api(server, `/api/v1/runs/${runId}`)) as { status: string };
      return run.status !== 'running';
    });
  });
  afterAll(async () => {
    await browser?.close();
    await killAll();
  });

  it('reaches every page from the fleet with Tab and Enter', async () => {
    const { page, problems, context } = await openPage(browser, server.url);
    await page.goto('/');
    await page.locator('.node-row[data-node="pypi-2"]').waitFor();
    // The first Tab stop skips the navigation.
    await page.keyboard.press('Tab');
    await expect(focusedHref(page)).resolves.toBe('#main');

    await tabAndFollow(page, '#/pairs/pypi');
    await page.locator('.verdict').first().waitFor();
    await tabAndFollow(page, '#/nodes/pypi-2');
    await page.locator('h1').filter({ hasText: 'pypi-2' }).waitFor();
    await tabAndFollow(page, '#/runs');
    await tabAndFollow(page, `#/plans/${planId}`);
    await page.locator('h1').filter({ hasText: planId }).waitFor();
    await tabAndFollow(page, '#/runs');
    await tabAndFollow(page, `#/runs/${runId}`);
    await page.locator('h1').filter({ hasText: runId }).waitFor();
    await tabAndFollow(page, '#/trends');
    await page.locator('h1').filter({ hasText: 'Trends' }).waitFor();
    await tabAndFollow(page, '#/');
    await page.locator('.node-row[data-node="pypi-2"]').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
