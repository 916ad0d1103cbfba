/**
 * The pair page in real headless Chromium against a real `driftguard serve` (real SQLite file)
 * fed the PyPI 2013 incident states: the page must say NO-GO for the reasons the CLI gives, draw
 * the boot chain that hung the primary, show the file that differs as a diff, and print as a
 * document — the runbook the PyPI team said they lacked.
 */
import type { Browser } from 'playwright-core';
import type { PairParity, RecordedReadiness } from '../../src/model/api';
import type { Readiness } from '../../src/model/readiness';
import type { PairRunbook } from '../../src/model/runbook';
import { launchBrowser, openPage } from '../helpers/browser';
import { runCli } from '../helpers/cli';
import type { ServerProcess } from '../helpers/processes';
import { killAll, startServer } from '../helpers/processes';

jest.setTimeout(90_000);

let server: ServerProcess;
let browser: Browser;
/** What `driftguard ready pypi` says of the same states: the source the page must agree with. */
let cli: Readiness;

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}/api/v1${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

/** The pair page, once the server's recorded verdict is on it. */
async function pairPage(options: { colorScheme?: 'light' | 'dark' } = {}) {
  const opened = await openPage(browser, server.url, options);
  await opened.page.goto('/#/pairs/pypi');
  await opened.page.locator('.verdict-panel[data-verdict="NO-GO"]').waitFor({ timeout: 20_000 });
  await opened.page.locator('[data-boot-chain]').first().waitFor();
  return opened;
}

beforeAll(async () => {
  const ready = runCli(['ready', 'pypi', '--states', 'examples/states', '--json']);
  expect(ready.code).toBe(1); // NO-GO
  cli = JSON.parse(ready.stdout) as Readiness;
  server = await startServer({ args: ['--import', 'examples/states'] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await killAll();
});

describe('GET /api/v1/pairs/:name/runbook', () => {
  it('answers the moving parts of the incident pair from the imported states', async () => {
    const { status, body } = await getJson<PairRunbook>('/pairs/pypi/runbook');
    expect(status).toBe(200);
    expect(body).toMatchObject({ pair: 'pypi', primary: 'pypi-1', secondary: 'pypi-2' });
    const [primary, secondary] = body.nodes;
    expect(primary).toMatchObject({ name: 'pypi-1', side: 'primary', roles: ['pypi-backend'] });
    expect(primary?.ssh).toEqual({ host: '10.0.0.11', port: 22, user: 'root' });
    expect(primary?.probes.map((probe) => probe.name)).toEqual(['ssh', 'bmc']);
    expect(primary?.failoverMounts.map((mount) => mount.mountPoint)).toEqual(['/srv/pypi']);
    expect(primary?.replication).toEqual([expect.objectContaining({ resource: 'r0', role: 'Primary' })]);
    expect(secondary?.replication).toEqual([expect.objectContaining({ resource: 'r0', role: 'Secondary' })]);
    expect(primary?.collectedAt).toBe('2026-11-22T10:00:00.000Z');
    expect(primary?.receivedAt).toEqual(expect.any(String));
    const chain = primary?.bootChains.find((c) => c.mountPoint === '/srv/pypi');
    expect(chain?.outcome).toBe('hangs');
    expect(chain?.units.map((unit) => unit.name)).toEqual(
      expect.arrayContaining(['local-fs.target', 'srv-pypi.mount', 'drbd.service']),
    );
  });

  it('says 404 for a pair the desired state does not declare, and refuses a bad name', async () => {
    expect((await getJson('/pairs/nosuch/runbook')).status).toBe(404);
    expect((await getJson('/pairs/..%2Fx/runbook')).status).toBe(400);
  });
});

describe('the pair page of pypi', () => {
  it('shows NO-GO with the failing checks the CLI names, failing ones open, with their findings', async () => {
    const { page, problems, context } = await pairPage();
    const failing = cli.checks.filter((check) => check.status === 'fail');
    expect(failing.map((check) => check.id)).toEqual(
      expect.arrayContaining(['boot-safety', 'secondary-conforms']),
    );

    const shown = page.locator('[data-failing]');
    expect(
      (await shown.evaluateAll((items) => items.map((item) => item.getAttribute('data-failing')))).sort(),
    ).toEqual(failing.map((check) => check.id).sort());
    for (const check of failing)
      expect(await page.locator(`[data-failing="${check.id}"]`).innerText()).toContain(check.summary);

    for (const check of cli.checks) {
      const item = page.locator(`details[data-check="${check.id}"]`);
      expect(await item.getAttribute('data-status')).toBe(check.status);
      // Failing checks are open; the others stay closed until someone opens them.
      expect(await item.evaluate((details) => details.hasAttribute('open'))).toBe(check.status === 'fail');
    }
    const bootSafety = cli.checks.find((check) => check.id === 'boot-safety');
    expect(await page.locator('details[data-check="boot-safety"] li.finding').count()).toBe(
      bootSafety?.findings.length,
    );
    // Its evidence and the fixes `plan` would make are there too.
    const withFix = bootSafety?.findings.filter((finding) => finding.fix).length ?? 0;
    expect(await page.locator('details[data-check="boot-safety"] [data-fix]').count()).toBe(withFix);
    expect(await page.locator('details[data-check="boot-safety"] ul.evidence li').count()).toBeGreaterThan(0);

    // The first check on the page is a failing one.
    expect(await page.locator('details[data-check]').first().getAttribute('data-status')).toBe('fail');
    expect(problems).toEqual([]);
    await context.close();
  });

  it("draws pypi-1's boot chain with local-fs.target, srv-pypi.mount and drbd.service, marked as hanging", async () => {
    const { page, problems, context } = await pairPage({ colorScheme: 'dark' });
    const figure = page.locator('[data-boot-chain="pypi-1 /srv/pypi"]');
    expect(await figure.getAttribute('data-outcome')).toBe('hangs');
    expect(await figure.locator('figcaption .outcome.hangs').isVisible()).toBe(true);
    const svg = figure.locator('svg.boot-chain-graph');
    expect(await svg.isVisible()).toBe(true);
    for (const unit of ['local-fs.target', 'srv-pypi.mount', 'dev-drbd0.device', 'drbd.service']) {
      const box = svg.locator(`[data-unit="${unit}"]`);
      expect(await box.locator('text').textContent()).toBe(unit);
      expect((await box.boundingBox())?.width).toBeGreaterThan(0);
    }
    // The wait cycle is drawn, and drawn as the hang.
    expect(await svg.locator('.edge.back.hang').count()).toBeGreaterThan(0);
    expect(await svg.locator('title').textContent()).toContain('hangs at boot');

    // The same edges as text, one line each, as the API has them.
    const { body: runbook } = await getJson<PairRunbook>('/pairs/pypi/runbook');
    const chain = runbook.nodes[0]?.bootChains.find((c) => c.mountPoint === '/srv/pypi');
    const lines = await figure.locator('ol.chain-edges li').allInnerTexts();
    expect(lines).toHaveLength(chain?.edges.length ?? -1);
    expect(lines).toContainEqual(expect.stringMatching(/^local-fs\.target requires srv-pypi\.mount/));
    expect(lines).toContainEqual(expect.stringMatching(/^dev-drbd0\.device starts after drbd\.service/));
    expect(await figure.locator('.chain-summary').innerText()).toBe(chain?.summary);

    // The rest of the runbook: how to reach each node, what moves, DRBD.
    const card = page.locator('[data-runbook-node="pypi-1"]');
    expect(await card.innerText()).toContain('ssh root@10.0.0.11');
    expect(await card.locator('[data-failover-mount="/srv/pypi"]').innerText()).toContain('/dev/drbd0');
    expect(await card.locator('[data-drbd="r0"]').innerText()).toContain('Primary');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the nodes side by side, with the /etc file that differs as a unified diff', async () => {
    const { page, problems, context } = await pairPage();
    const { body: parity } = await getJson<PairParity>('/pairs/pypi/parity');
    const file = parity.findings.find((finding) => finding.category === 'files' && finding.diff);
    expect(file?.key).toMatch(/^\/etc\//);
    const diffText = file?.diff ?? '';

    const block = page.locator('[data-category="files"]');
    expect(await block.locator(`[data-parity-key="${file?.key}"]`).count()).toBe(1);
    const diff = block.locator('[data-diff]');
    const removed = diffText.split('\n').filter((line) => line.startsWith('-') && !line.startsWith('---'));
    const added = diffText.split('\n').filter((line) => line.startsWith('+') && !line.startsWith('+++'));
    expect(removed.length + added.length).toBeGreaterThan(0);
    expect(await diff.locator('.del').allTextContents()).toEqual(removed);
    expect(await diff.locator('.add').allTextContents()).toEqual(added);
    expect(await diff.locator('.meta').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^--- /), expect.stringMatching(/^\+\+\+ /)]),
    );

    // Values that differ are marked on both sides; the count of identical items is the server's.
    const users = page.locator('[data-category="users"] tr[data-parity-key="pypi"]');
    expect(await users.locator('mark').allTextContents()).toEqual(['990', '990', '991', '991']);
    const identical = parity.tally?.packages?.identical;
    expect(identical).toBeGreaterThan(0);
    expect(
      await page.locator('[data-category="packages"] [data-identical]').getAttribute('data-identical'),
    ).toBe(String(identical));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('evaluates again on request and shows the new evaluation without a reload', async () => {
    const { page, problems, context } = await pairPage();
    const panel = page.locator('.verdict-panel');
    const before = await panel.getAttribute('data-last-evaluated');
    await page.getByRole('button', { name: 'Evaluate now' }).click();
    // Page code as text: this project's TypeScript has no DOM types.
    await page.waitForFunction(
      `document.querySelector('.verdict-panel')?.getAttribute('data-last-evaluated') !== ${JSON.stringify(before)}`,
      undefined,
      { timeout: 20_000 },
    );
    const { body: latest } = await getJson<RecordedReadiness>('/pairs/pypi/readiness/latest');
    expect(await panel.getAttribute('data-last-evaluated')).toBe(latest.lastEvaluatedAt);
    expect(await panel.getAttribute('data-verdict')).toBe(latest.verdict);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows an evaluation made elsewhere (a readiness event) without a reload', async () => {
    const { page, problems, context } = await pairPage();
    const panel = page.locator('.verdict-panel');
    const before = await panel.getAttribute('data-last-evaluated');
    const url = page.url();
    // As `curl` or the CLI would ask it, not through the page.
    expect((await getJson<Readiness>('/pairs/pypi/readiness?probes=false')).status).toBe(200);
    await page.waitForFunction(
      `document.querySelector('.verdict-panel')?.getAttribute('data-last-evaluated') !== ${JSON.stringify(before)}`,
    );
    const { body: latest } = await getJson<RecordedReadiness>('/pairs/pypi/readiness/latest');
    expect(await panel.getAttribute('data-last-evaluated')).toBe(latest.lastEvaluatedAt);
    expect(page.url()).toBe(url);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('prints as a document: no navigation or buttons, every check open, nothing clipped, a PDF', async () => {
    const { page, problems, context } = await pairPage();
    await page.emulateMedia({ media: 'print' });
    await page.waitForFunction(`document.querySelectorAll('details:not([open])').length === 0`);
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.locator('nav').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Evaluate now' }).isVisible()).toBe(false);
    // A passing check's content is on paper too.
    const passing = cli.checks.find((check) => check.status === 'pass');
    expect(
      await page
        .locator(`details[data-check="${passing?.id}"] p.muted, details[data-check="${passing?.id}"] li`)
        .first()
        .isVisible(),
    ).toBe(true);
    const overflow = (await page.evaluate(
      `[...document.querySelectorAll('.pair-page .table-scroll, .pair-page pre, .pair-page .diff, .pair-page .chain-graph')].map((box) => getComputedStyle(box).overflowX)`,
    )) as string[];
    expect(overflow.length).toBeGreaterThan(0);
    expect(new Set(overflow)).toEqual(new Set(['visible']));

    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    expect(problems).toEqual([]);
    await context.close();
  });
});
