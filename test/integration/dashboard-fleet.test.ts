/**
 * The dashboard's fleet page in a real headless Chromium against a real `driftguard serve`
 * with a real SQLite file, fed the incident states: the counts on the page are the CLI's, stale
 * nodes stand out, a report changes the page without a reload, the connection indicator tells
 * the truth, and a server that needs a token gets it through the sign-in form, never the URL.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildReport } from '../../src/app/build-report';
import { categoryHashes } from '../../src/collect';
import type { Finding, Severity } from '../../src/model/finding';
import type { NodeState } from '../../src/model/state';
import { launchBrowser, openPage } from '../helpers/browser';
import { REPO, runCli } from '../helpers/cli';
import { api, killAll, startServer } from '../helpers/processes';
import type { ServerProcess } from '../helpers/processes';

jest.setTimeout(60_000);

const STATES = path.join(REPO, 'examples', 'states');

/** What `driftguard check NODE --json` says about a node of a folder of states. */
function checkDrift(node: string, states = STATES): Finding[] {
  const result = runCli(['check', node, '--states', states, '--desired', 'desired-state', '--json']);
  expect(result.stderr).toBe('');
  return (JSON.parse(result.stdout) as { drift: Finding[] }).drift;
}

function severityText(findings: readonly Finding[]): string {
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  return `${count('error')}/${count('warning')}/${count('info')}`;
}

/** The badges the page shows for these findings: `severity:count`, zero counts left out. */
function badgesFor(findings: readonly Finding[]): string[] {
  return (['error', 'warning', 'info'] as const)
    .map((severity) => [severity, findings.filter((f) => f.severity === severity).length] as const)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${severity}:${n}`);
}

async function waitLive(page: Page): Promise<void> {
  await page.locator('[data-connection="live"]').waitFor();
}

describe('dashboard: the fleet', () => {
  let browser: Browser;
  let server: ServerProcess;

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startServer({ args: ['--import', STATES] });
  });
  afterAll(async () => {
    await browser?.close();
    await killAll();
  });

  it('lists every example node with the drift counts `driftguard check --json` gives, per severity and category', async () => {
    const { page, problems, context } = await openPage(browser, server.url);
    await page.goto('/');
    await waitLive(page);
    const rows = page.locator('.nodes .node-row[data-node]');
    // Every node the desired state declares, reported or not.
    expect((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-node')))).sort()).toEqual([
      'localhost',
      'pypi-1',
      'pypi-2',
    ]);
    for (const node of ['pypi-1', 'pypi-2']) {
      const drift = checkDrift(node);
      expect(drift.length).toBeGreaterThan(0);
      const row = page.locator(`.node-row[data-node="${node}"]`);
      await expect(row.locator('.drift-total').getAttribute('data-drift')).resolves.toBe(severityText(drift));
      for (const category of new Set(drift.map((f) => f.category))) {
        const inCategory = drift.filter((f) => f.category === category);
        const badges = row.locator(`[data-category="${category}"] .badge`);
        const shown = await badges.evaluateAll((spans) =>
          spans.map((span) => `${span.getAttribute('data-severity')}:${span.getAttribute('data-count')}`),
        );
        expect({ node, category, shown }).toEqual({ node, category, shown: badgesFor(inCategory) });
      }
    }
    // The pair's parity counts are `driftguard diff`'s for the same two states.
    const diff = runCli([
      'diff',
      'pypi-1',
      'pypi-2',
      '--states',
      STATES,
      '--desired',
      'desired-state',
      '--json',
    ]);
    const parity = (JSON.parse(diff.stdout) as { findings: Finding[] }).findings;
    expect(parity.length).toBeGreaterThan(0);
    const pairBadges = await page
      .locator('tr[data-pair="pypi"] [data-parity] .badge')
      .evaluateAll((spans) =>
        spans.map((span) => `${span.getAttribute('data-severity')}:${span.getAttribute('data-count')}`),
      );
    expect(pairBadges).toEqual(badgesFor(parity));
    // Worst first: the node with most errors heads the list.
    const order = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-node')));
    const errors = (node: string) => checkDrift(node).filter((f) => f.severity === 'error').length;
    expect(order[0]).toBe(errors('pypi-2') >= errors('pypi-1') ? 'pypi-2' : 'pypi-1');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('marks nodes whose state is older than maxReportAge as stale, and shows received and collected times apart', async () => {
    const { page, problems, context } = await openPage(browser, server.url);
    await page.goto('/');
    await waitLive(page);
    const pypi1 = page.locator('.node-row[data-node="pypi-1"]');
    await expect(pypi1.getAttribute('data-stale')).resolves.toBe('true');
    await expect(pypi1.locator('.stale-tag').isVisible()).resolves.toBe(true);
    // Collected on 2026-11-22 (the example states), received when the server imported them.
    const times = await pypi1
      .locator('time')
      .evaluateAll((els) => els.map((el) => el.getAttribute('datetime')));
    const state = JSON.parse(fs.readFileSync(path.join(STATES, 'pypi-1.json'), 'utf8')) as NodeState;
    expect(times[1]).toBe(state.collectedAt);
    expect(Date.parse(times[0] as string)).toBeGreaterThan(Date.parse(state.collectedAt));
    // The pair of stale nodes is NO-GO, fresh-reports among its failing checks.
    const pair = page.locator('tr[data-pair="pypi"]');
    await expect(pair.locator('.verdict').textContent()).resolves.toBe('NO-GO');
    await expect(pair.locator('.failing').textContent()).resolves.toContain('fresh-reports');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a new report within 2 s, without a reload: fresh, with the counts the CLI gives for the new state', async () => {
    const { page, problems, context } = await openPage(browser, server.url);
    await page.goto('/');
    await waitLive(page);
    // The page must not reload: a marker set now survives only if it does not.
    await page.evaluate("window.marker = 'same page'");

    // pypi-2, collected now, with pypissh installed (one fewer drift finding).
    const state = JSON.parse(fs.readFileSync(path.join(STATES, 'pypi-2.json'), 'utf8')) as NodeState;
    const fresh: NodeState = { ...state, collectedAt: new Date().toISOString() };
    const packages = fresh.packages as NonNullable<NodeState['packages']>;
    const template = Object.values(packages.items)[0] as (typeof packages.items)[string];
    fresh.packages = {
      ...packages,
      items: {
        ...packages.items,
        pypissh: { ...template, name: 'pypissh', version: '1.2.0-1', arch: 'all' },
      },
    };
    fresh.hashes = categoryHashes(fresh);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-fleet-'));
    fs.writeFileSync(path.join(dir, 'pypi-2.json'), JSON.stringify(fresh));
    const expected = severityText(checkDrift('pypi-2', dir));
    expect(expected).not.toBe(severityText(checkDrift('pypi-2')));

    const { token } = (await api(server, '/api/v1/tokens', {
      method: 'POST',
      body: { role: 'node', node: 'pypi-2' },
    })) as { token: string };
    await api(server, '/api/v1/reports', { method: 'POST', token, body: buildReport(fresh, 'fresh-1') });
    const row = page.locator('.node-row[data-node="pypi-2"]');
    // Written as page code (a string): the browser's globals are not this program's.
    await page.waitForFunction(
      `(() => {
        const tr = document.querySelector('.node-row[data-node="pypi-2"]');
        return tr?.getAttribute('data-stale') === 'false' &&
          tr.querySelector('.drift-total')?.getAttribute('data-drift') === ${JSON.stringify(expected)};
      })()`,
      undefined,
      { timeout: 2000 },
    );
    await expect(row.locator('.stale-tag').count()).resolves.toBe(0);
    await expect(page.evaluate('window.marker')).resolves.toBe('same page');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says when the live connection is lost, and comes back by itself when the server does', async () => {
    const own = await startServer({ args: ['--import', STATES] });
    const { page, problems, context } = await openPage(browser, own.url);
    await page.goto('/');
    await waitLive(page);
    await own.stop();
    await page.locator('[data-connection="offline"]').waitFor();
    await expect(page.locator('.connection').textContent()).resolves.toContain('offline');
    const again = await startServer({ db: own.db, port: own.port });
    await page.locator('[data-connection="live"]').waitFor({ timeout: 20_000 });
    await again.stop();
    // The cut stream and the refused reconnections are logged by the browser as network errors
    // (net::ERR_…): expected here, and nothing else is.
    expect(problems.filter((p) => !/net::ERR_[A-Z_]+/.test(p))).toEqual([]);
    await context.close();
  });
});

describe('dashboard: signing in when the server needs a token', () => {
  let browser: Browser;
  let server: ServerProcess;

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startServer({ args: ['--import', STATES, '--no-anonymous-read'] });
  });
  afterAll(async () => {
    await browser?.close();
    await killAll();
  });

  it('asks for a token, refuses an unknown one, lets a reader in, and keeps the token out of every URL', async () => {
    const { token } = (await api(server, '/api/v1/tokens', {
      method: 'POST',
      body: { role: 'reader', label: 'wall display' },
    })) as { token: string };
    const { page, problems, context } = await openPage(browser, server.url);
    const urls: string[] = [];
    page.on('request', (request) => urls.push(request.url()));
    await page.goto('/#/pairs/pypi');
    await page.locator('form input#token').waitFor();
    expect(await page.locator('.node-row[data-node]').count()).toBe(0);

    await page.fill('input#token', 'dg_not-a-token');
    await page.keyboard.press('Enter');
    await expect(page.locator('.sign-in [role="alert"]').textContent()).resolves.toContain(
      'does not know this token',
    );

    await page.fill('input#token', token);
    await page.keyboard.press('Enter');
    await page.locator('[data-role="reader"]').waitFor();
    await waitLive(page);
    await expect(page.locator('.who').textContent()).resolves.toContain('wall display');
    await page.goto('/#/');
    await page.locator('.node-row[data-node="pypi-2"]').waitFor();
    expect(urls.filter((url) => url.includes(token))).toEqual([]);
    expect(page.url()).not.toContain(token);
    // Kept for this tab only.
    await expect(page.evaluate("sessionStorage.getItem('driftguard.token')")).resolves.toBe(token);
    await expect(page.evaluate('JSON.stringify(localStorage)')).resolves.not.toContain(token);
    expect(problems).toEqual([]);
    await context.close();
  });
});
