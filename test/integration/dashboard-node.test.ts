/**
 * The node page and the trends page in real headless Chromium against a real `driftguard serve`
 * (SQLite file, the incident states imported): the node's drift as the CLI sees it, the raw state
 * searched, the timeline fed live by a report sent after the page loaded, and the trends charts
 * agreeing with the API.
 */
import * as fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { buildReport } from '../../src/app/build-report';
import { categoryHashes } from '../../src/collect';
import type { NodeSummary, ReadinessHistory, Trends } from '../../src/model/api';
import type { Finding } from '../../src/model/finding';
import type { NodeState } from '../../src/model/state';
import { CATEGORIES } from '../../src/model/state';
import { launchBrowser, openPage } from '../helpers/browser';
import { runCli } from '../helpers/cli';
import { killAll, startServer } from '../helpers/processes';
import type { ServerProcess } from '../helpers/processes';

jest.setTimeout(120_000);

const exampleState = (node: string): NodeState =>
  JSON.parse(fs.readFileSync(`examples/states/${node}.json`, 'utf8')) as NodeState;

/** Every leaf of a value as `path = value`, the way the state filter reads it (an independent count). */
function leaves(value: unknown, path: string, out: string[] = []): string[] {
  if (value !== null && typeof value === 'object') {
    const children = Array.isArray(value)
      ? value.map((item, index) => [`[${index}]`, item] as const)
      : Object.entries(value as Record<string, unknown>);
    if (children.length === 0) out.push(`${path} = ${JSON.stringify(value)}`);
    for (const [key, child] of children) leaves(child, path ? `${path}.${key}` : key, out);
  } else {
    out.push(`${path} = ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return out;
}

describe('dashboard: node page and trends', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ args: ['--import', 'examples/states'] });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await killAll();
  });

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${server.adminToken}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  it("shows pypi-2's drift per category as `driftguard check` does, its times, and searches its raw state", async () => {
    const check = runCli([
      'check',
      'pypi-2',
      '--states',
      'examples/states',
      '--desired',
      'desired-state',
      '--json',
    ]);
    const expected = (JSON.parse(check.stdout) as { drift: Finding[] }).drift;
    expect(expected.length).toBeGreaterThan(0);

    const { page, context, problems } = await openPage(browser, server.url);
    await page.goto('/#/nodes/pypi-2');
    await page.locator('section.category-findings').first().waitFor();

    // Same findings, grouped by category, in the same number, with the same sentences.
    const shown = await page.$$eval('section.category-findings', (sections) =>
      sections.map((section) => ({
        category: section.getAttribute('data-category'),
        findings: [...section.querySelectorAll('li.finding')].map((li) => ({
          id: li.getAttribute('data-finding'),
          text: li.textContent ?? '',
        })),
      })),
    );
    const categories = [...new Set(expected.map((f) => f.category))];
    expect(shown.map((group) => group.category)).toEqual(CATEGORIES.filter((c) => categories.includes(c)));
    for (const group of shown) {
      const mine = expected.filter((f) => f.category === group.category);
      expect({ category: group.category, count: group.findings.length }).toEqual({
        category: group.category,
        count: mine.length,
      });
      for (const finding of mine)
        expect(
          group.findings.some(
            (f) => f.id === `${finding.category}|${finding.key}` && f.text.includes(finding.message),
          ),
        ).toBe(true);
    }
    // Each finding says since when it is open.
    expect(await page.locator('section.category-findings li.finding time').count()).toBe(expected.length);

    // Received and collected both shown; the incident state is weeks old, so stale, as on the fleet page.
    const summary = (await api<{ nodes: NodeSummary[] }>('/nodes')).nodes.find((n) => n.name === 'pypi-2');
    expect(summary?.stale).toBe(true);
    await expect(page.locator('dd[data-collected] .stale-tag').textContent()).resolves.toBe('stale');
    expect(await page.locator('dd[data-collected]').getAttribute('data-collected')).toBe(
      summary?.collectedAt,
    );
    expect(await page.locator('dd[data-received]').getAttribute('data-received')).toBe(summary?.lastSeen);
    expect(await page.locator('dl.facts a[href="#/pairs/pypi"]').count()).toBe(1);

    // The raw state: closed categories; the filter narrows it to what contains kernel.panic.
    const tree = page.locator('.state-tree');
    expect(await tree.locator('li.leaf').count()).toBe(0);
    const state = await api<NodeState>('/nodes/pypi-2/state');
    const categoriesOnly = Object.fromEntries(
      CATEGORIES.filter((c) => state[c] !== undefined).map((c) => [c, state[c]]),
    );
    const matching = leaves(categoriesOnly, '').filter((line) => line.toLowerCase().includes('kernel.panic'));
    expect(matching.length).toBeGreaterThan(0);
    await tree.getByLabel('Filter keys and values').fill('kernel.panic');
    await expect(tree.locator('[data-matches]').getAttribute('data-matches')).resolves.toBe(
      String(matching.length),
    );
    const paths = await tree.locator('li.leaf').evaluateAll((items) =>
      items.map((item) => {
        const keys: string[] = [];
        for (
          let el: typeof item | null = item;
          el && !el.classList.contains('state-tree');
          el = el.parentElement
        )
          if (el.tagName === 'LI') keys.unshift(el.getAttribute('data-key') ?? '');
        return `${keys.join('.')} = ${item.querySelector('.value')?.textContent ?? ''}`;
      }),
    );
    expect(paths.sort()).toEqual([...matching].sort());
    // Clearing the filter closes the tree again.
    await tree.getByLabel('Filter keys and values').fill('');
    await expect(tree.locator('li.leaf').count()).resolves.toBe(0);
    // And a category opens by keyboard.
    await tree.locator('summary', { hasText: 'sysctls' }).first().focus();
    await page.keyboard.press('Enter');
    await tree.locator('li.branch[data-key="sysctls"] li').first().waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });

  it('draws the timeline, and a report sent after the page loaded appears in it without reload', async () => {
    const { page, context, problems } = await openPage(browser, server.url);
    await page.goto('/#/nodes/pypi-2');
    // The incident states were collected on 2026-11-22: more than 7 days ago, less than 30.
    // The default window (7 d) holds only the verdicts recorded since the server started.
    await page.locator('ol.timeline li[data-kind="verdict"]').first().waitFor();
    const opened = page.locator('ol.timeline li[data-kind="opened"]');
    expect(await opened.count()).toBe(0);
    await page.getByRole('radio', { name: '30 d' }).check();
    await opened.first().waitFor();
    const drift = await api<{ findings: Finding[] }>('/nodes/pypi-2/drift');
    expect(await opened.count()).toBe(drift.findings.length);
    expect(await page.locator('ol.timeline li[data-kind="collected"]').count()).toBeGreaterThan(0);

    // pypi has never said GO: the page says so rather than comparing with nothing.
    const readiness = await api<ReadinessHistory>('/pairs/pypi/readiness/history');
    expect(readiness.lastGo).toBeUndefined();
    await page.locator('.since-go[data-pair="pypi"] [data-last-go="never"]').waitFor();

    // 2026-12: someone fixes kernel.panic live on pypi-2, and its agent reports.
    const { token } = await api<{ token: string }>('/tokens', {
      method: 'POST',
      body: JSON.stringify({ role: 'node', node: 'pypi-2', label: 'dashboard test' }),
    });
    const state = exampleState('pypi-2');
    state.collectedAt = new Date().toISOString();
    state.sysctls!.live['kernel.panic'] = '10';
    state.hashes = categoryHashes(state);
    const report = await fetch(`${server.url}/api/v1/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(buildReport(state, 'dashboard-test-1', exampleState('pypi-2').hashes)),
    });
    expect(report.status).toBe(201);

    await page.locator('ol.timeline li[data-kind="resolved"][data-key="sysctls|kernel.panic"]').waitFor();
    await page.locator('ol.timeline li[data-kind="collected"]', { hasText: 'sysctls' }).first().waitFor();
    // Newest first: the fix heads the timeline.
    expect(await page.locator('ol.timeline li').first().getAttribute('data-kind')).toMatch(
      /resolved|collected|verdict/,
    );
    // The collected time moved, so pypi-2 is no longer stale.
    await page.locator('dd[data-collected]:not(:has(.stale-tag))').waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });

  it('draws the trends charts, whose text summaries agree with /api/v1/trends', async () => {
    const { page, context, problems } = await openPage(browser, server.url, { colorScheme: 'dark' });
    await page.goto('/#/trends');
    const drift = page.locator('figure[data-chart="Drift findings, all nodes"]');
    await drift.locator('canvas').waitFor();
    await page.locator('.pair-trend[data-pair="pypi"] canvas').waitFor();
    expect(await page.locator('figure.chart canvas').count()).toBeGreaterThanOrEqual(4);

    const trends = await api<Trends>('/trends');
    const latest = async (chart: string, series: string) =>
      Number(
        await page
          .locator(`figure[data-chart="${chart}"] [data-series="${series}"]`)
          .getAttribute('data-latest'),
      );
    for (const severity of ['error', 'warning', 'info'] as const) {
      expect(await latest('Drift findings, all nodes', severity)).toBe(trends.drift[severity].at(-1));
      expect(await latest('Parity differences, all pairs', severity)).toBe(trends.parity[severity].at(-1));
    }
    expect(await latest('Pairs GO and NO-GO', 'GO')).toBe(trends.readiness.go.at(-1));
    expect(await latest('Pairs GO and NO-GO', 'NO-GO')).toBe(trends.readiness.noGo.at(-1));
    // The latest point is now: the open findings the fleet page counts.
    const nodes = (await api<{ nodes: NodeSummary[] }>('/nodes')).nodes;
    expect(trends.drift.error.at(-1)).toBe(nodes.reduce((sum, node) => sum + node.drift.error, 0));
    expect(
      await page.locator('.pair-trend[data-pair="pypi"] [data-verdict]').getAttribute('data-verdict'),
    ).toBe(trends.pairs['pypi']?.verdict.at(-1) ?? '');

    // Another window is another request, and still draws.
    await page.getByRole('radio', { name: '24 h' }).check();
    await drift.locator('canvas').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
