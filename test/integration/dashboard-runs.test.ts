/**
 * The dashboard's runs, plan and run pages in real headless Chromium, against a real
 * `driftguard serve` process (a real SQLite file, tokens required even on loopback) whose nodes
 * are two sandbox nodes behind their own sshd (test/helpers/sandbox.ts): the states come from a
 * real SSH sweep, and a dry run connects to both nodes and collects them afresh — the lightest
 * setup in which a dry run produces a real result rather than "no SSH credentials".
 *
 *   - an admin makes a plan in the page, reviews its file diff, approves it after a keyboard
 *     confirmation, dry-runs it, and sees on the run page exactly what the API says of the run;
 *   - a reader gets no enabled approve button, and if the button is forced, the server's 403 is
 *     what the page says.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { RunRecord } from '../../src/model/run';
import { launchBrowser, openPage } from '../helpers/browser';
import type { EnforceWorld } from '../helpers/enforce';
import { enforceWorld, nodesYaml } from '../helpers/enforce';
import { expectHostUntouched } from '../helpers/host-fingerprint';
import { api, killAll, startServer } from '../helpers/processes';
import type { ServerProcess } from '../helpers/processes';
import { startSandboxFleet } from '../helpers/sandbox';
import type { SandboxFleet } from '../helpers/sandbox';

const ROLE = `kind: Role
name: web
sysctls:
  kernel.panic: 10
files:
  /etc/app.conf: { parity: true }
`;
const PAIR = `---\nkind: Pair\nname: web\nprimary: web-a\nsecondary: web-b\n`;

interface StoredPlan {
  id: string;
  hash: string;
  approvedAt?: string;
  plan: { waves: string[][]; fixes: { id: string; action: string; files: { diff?: string }[] }[] };
}

// The sandboxes keep every change to themselves (a dry run makes none anyway).
expectHostUntouched();

describe('dashboard: plans and runs', () => {
  let fleet: SandboxFleet;
  let world: EnforceWorld;
  let server: ServerProcess;
  let browser: Browser;
  let readerToken: string;

  beforeAll(async () => {
    fleet = await startSandboxFleet([
      {
        name: 'web-a',
        // Both nodes miss kernel.panic = 10, so each has a change and the pair runs in two waves.
        files: { '/etc/app.conf': 'port = 80\nworkers = 4\n' },
      },
      { name: 'web-b', files: { '/etc/app.conf': 'port = 8080\nworkers = 4\n' } },
    ]);
    world = enforceWorld(fleet, ROLE + nodesYaml(fleet, { 'web-a': ['web'], 'web-b': ['web'] }) + PAIR);
    server = await startServer({
      db: path.join(world.dir, 'server.db'),
      desired: world.desiredDir,
      args: [
        '--no-anonymous-read',
        '--known-hosts',
        fleet.knownHostsFile,
        '--identity',
        fleet.clientKeyFile,
        '--readiness-interval',
        '0s',
      ],
    });
    // The states the plans are made from: a real SSH sweep of both nodes, sent to the server.
    const tokenFile = path.join(world.dir, 'admin.token');
    fs.writeFileSync(tokenFile, server.adminToken, { mode: 0o600 });
    const swept = world.cli(['sweep', '--server', server.url, '--token-file', tokenFile]);
    expect({ code: swept.code, stderr: swept.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    readerToken = (
      (await api(server, '/api/v1/tokens', { method: 'POST', body: { role: 'reader' } })) as {
        token: string;
      }
    ).token;
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await killAll();
    await fleet?.stop();
    world?.remove();
  });

  /** A fresh page signed in through the sign-in form (the token goes to sessionStorage, never a URL). */
  async function signedIn(token: string, fragment: string): Promise<{ page: Page; problems: string[] }> {
    const { page, problems } = await openPage(browser, server.url);
    await page.goto(`/${fragment}`);
    await page.fill('#token', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('header.top .who');
    expect(page.url()).not.toContain(token);
    return { page, problems };
  }

  it('lets an admin make a plan, approve it, dry-run it and see the result the API records', async () => {
    const { page, problems } = await signedIn(server.adminToken, '#/runs');
    await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();

    // Make a plan for the pair, over SSH: the page opens it.
    await page.selectOption('select[name=target]', 'pair:web');
    await page.selectOption('select[name=via]', 'ssh');
    await page.getByRole('button', { name: 'Make a plan' }).click();
    await page.waitForURL(/#\/plans\/[^/]+$/);
    const planId = decodeURIComponent(page.url().split('#/plans/')[1] as string);
    const stored = (await api(server, `/api/v1/plans/${planId}`)) as StoredPlan;
    await page.waitForSelector('[data-plan-hash]');
    expect(await page.textContent('[data-plan-hash]')).toBe(stored.hash);

    // Wave by wave, the secondary first; every change listed, its file diff rendered line by line.
    expect(stored.plan.waves).toEqual([['web-b'], ['web-a']]);
    expect(await page.locator('[data-wave="1"] h3').textContent()).toBe('Wave 1: web-b (secondary)');
    const changes = stored.plan.fixes.filter((fix) => fix.action === 'change').map((fix) => fix.id);
    expect(changes).toContain('web-b/files//etc/app.conf');
    expect(
      await page
        .locator('li.plan-fix[data-fix-id]')
        .evaluateAll((items) => items.map((li) => li.getAttribute('data-fix-id'))),
    ).toEqual([
      ...changes,
      ...stored.plan.fixes.filter((fix) => fix.action === 'advice').map((fix) => fix.id),
    ]);
    const diff = page.locator('[data-fix-id="web-b/files//etc/app.conf"] [data-diff]');
    expect(await diff.locator('.del').allTextContents()).toContain('-port = 8080');
    expect(await diff.locator('.add').allTextContents()).toContain('+port = 80');

    // Run is not possible before approval; approving asks first, with the focus on Cancel.
    expect(await page.isDisabled('[data-action=run]')).toBe(true);
    await page.click('[data-action=approve]');
    const approveDialog = page.locator('dialog[open]');
    await approveDialog.waitFor();
    expect(await page.locator(':focus').textContent()).toBe('Cancel');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // the dialog's "Approve"
    await page.waitForSelector('[data-approved=true]');
    const approved = (await api(server, `/api/v1/plans/${planId}`)) as StoredPlan;
    expect(approved.approvedAt).toEqual(expect.any(String));
    expect(await page.isDisabled('[data-action=approve]')).toBe(true);

    // Run names the nodes and the waves, secondary before primary; Escape cancels and runs nothing.
    await page.click('[data-action=run]');
    await page.locator('dialog[open] [data-confirm-waves]').waitFor();
    const waves = await page.locator('dialog[open] [data-confirm-waves] li').allTextContents();
    expect(waves).toEqual([
      expect.stringMatching(/^wave 1: web-b \(secondary\) — \d+ changes?$/),
      expect.stringMatching(/^wave 2: web-a \(primary\) — \d+ changes?$/),
    ]);
    await page.keyboard.press('Escape');
    await page
      .locator('dialog[open]')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    expect(await page.locator('dialog[open]').count()).toBe(0);
    expect(((await api(server, '/api/v1/runs')) as { runs: unknown[] }).runs).toEqual([]);

    // The dry run: the run page follows it to its end.
    await page.click('[data-action=dry-run]');
    await page.waitForURL(/#\/runs\/[^/]+$/);
    const runId = decodeURIComponent(page.url().split('#/runs/')[1] as string);
    await page.waitForSelector('[data-progress] [data-event=run-finished]', { timeout: 60_000 });
    await page.waitForSelector('[data-stream=ended]', { state: 'attached' });
    const run = (await api(server, `/api/v1/runs/${runId}`)) as RunRecord;
    expect(run).toMatchObject({ status: 'succeeded', dryRun: true, planId, target: 'pair:web' });
    await page.waitForSelector(`.facts [data-status=${run.status}]`);
    expect(await page.textContent('h1')).toBe(`Dry run ${runId}`);
    expect(await page.textContent('[data-summary]')).toBe(
      `Dry run: nothing was changed (${changes.length} fixes would be applied).`,
    );
    // Every node and every fix as the API has them.
    const shownNodes = await page
      .locator('[data-node]')
      .evaluateAll((sections) =>
        sections.map((s) => [s.getAttribute('data-node'), s.getAttribute('data-node-status')]),
      );
    expect(shownNodes).toEqual(run.nodes.map((node) => [node.node, node.status]));
    const shownFixes = await page
      .locator('[data-fix-status]')
      .evaluateAll((items) =>
        items.map((li) => [li.getAttribute('data-fix-id'), li.getAttribute('data-fix-status')]),
      );
    expect(shownFixes).toEqual(run.nodes.flatMap((node) => node.fixes.map((fix) => [fix.fixId, fix.status])));
    expect(shownFixes.map(([id]) => id)).toEqual(changes);
    expect(new Set(shownFixes.map(([, status]) => status))).toEqual(new Set(['dry-run']));
    // A dry run backed nothing up: there is nothing to restore.
    expect(await page.locator('[data-restore]').count()).toBe(0);

    // The runs page lists it, with the plan approved and the audit log behind it.
    await page.click('nav >> text=Runs');
    await page.waitForSelector(`[data-runs] [data-run="${runId}"]`);
    expect(await page.textContent(`[data-run="${runId}"] [data-status]`)).toBe('succeeded');
    expect(
      await page
        .locator('[data-audit] [data-audit-event]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-audit-event'))),
    ).toEqual(['run-succeeded', 'run-started', 'plan-approved', 'plan-created']);
    expect(problems).toEqual([]);
  }, 180_000);

  it('gives a reader no enabled approve button, and shows the server’s 403 when it is forced', async () => {
    const made = (await api(server, '/api/v1/plans', {
      method: 'POST',
      body: { target: 'pair:web', via: 'ssh' },
    })) as StoredPlan;
    const { page, problems } = await signedIn(readerToken, `#/plans/${made.id}`);
    await page.waitForSelector('[data-plan-hash]');
    for (const button of ['approve', 'dry-run', 'run'])
      expect(await page.isDisabled(`[data-action=${button}]`)).toBe(true);
    expect(await page.textContent('[data-needs-admin]')).toContain('needs an admin token');

    // Forced: the button enabled by hand, the call made; the server refuses, the page says why.
    const refusal = await fetch(`${server.url}/api/v1/plans/${made.id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readerToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refusal.status).toBe(403);
    const message = ((await refusal.json()) as { error: { message: string } }).error.message;
    await page.$eval('[data-action=approve]', (button) => button.removeAttribute('disabled'));
    await page.click('[data-action=approve]');
    await page.click('dialog[open] button[value=confirm]');
    await page.waitForSelector('.plan-actions .error-box');
    expect(await page.textContent('.plan-actions .error-box')).toBe(message);
    expect(((await api(server, `/api/v1/plans/${made.id}`)) as StoredPlan).approvedAt).toBeUndefined();
    expect(problems).toEqual([]);
  }, 120_000);

  it('runs an approved plan for real after a confirmation, and restores its files after a dry run of the restore', async () => {
    const made = (await api(server, '/api/v1/plans', {
      method: 'POST',
      body: { target: 'pair:web', via: 'ssh' },
    })) as StoredPlan;
    await api(server, `/api/v1/plans/${made.id}/approve`, { method: 'POST', body: {} });
    const { page, problems } = await signedIn(server.adminToken, `#/plans/${made.id}`);
    await page.click('[data-action=run]');
    await page.locator('dialog[open] [data-confirm-waves]').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // the dialog's "Run it"
    await page.waitForURL(/#\/runs\/[^/]+$/);
    const runId = decodeURIComponent(page.url().split('#/runs/')[1] as string);
    await page.waitForSelector('[data-progress] [data-event=run-finished]', { timeout: 120_000 });
    const run = (await api(server, `/api/v1/runs/${runId}`)) as RunRecord;
    expect(run).toMatchObject({ status: 'succeeded', dryRun: false });
    // Secondary first, then the primary: the record's order, and the page's.
    expect(run.nodes.map((node) => [node.node, node.wave])).toEqual([
      ['web-b', 1],
      ['web-a', 2],
    ]);
    await page.waitForSelector(`.facts [data-status=succeeded]`);
    expect(await page.textContent('h1')).toBe(`Run ${runId}`);
    const shownFixes = await page
      .locator('[data-fix-status]')
      .evaluateAll((items) =>
        items.map((li) => [li.getAttribute('data-fix-id'), li.getAttribute('data-fix-status')]),
      );
    expect(shownFixes).toEqual(run.nodes.flatMap((node) => node.fixes.map((fix) => [fix.fixId, fix.status])));
    expect(new Set(shownFixes.map(([, status]) => status))).toEqual(new Set(['applied']));
    expect(await page.textContent('[data-summary]')).toBe('3 fixes applied, 0 failed, 0 not attempted.');
    const b = fleet.nodes['web-b'];
    expect(b?.readFile('/etc/app.conf')?.toString()).toBe('port = 80\nworkers = 4\n');

    // Restore: only after its dry run, and only once confirmed.
    const restoreButton = page.getByRole('button', { name: 'Restore…' });
    expect(await restoreButton.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Dry-run the restore' }).click();
    await page.waitForSelector('[data-restore] [data-rehearsal] [data-status=succeeded]');
    expect(b?.readFile('/etc/app.conf')?.toString()).toBe('port = 80\nworkers = 4\n');
    await restoreButton.click();
    await page.locator('dialog[open]').waitFor();
    await page.click('dialog[open] button[value=confirm]');
    await page.waitForSelector('[data-restore] [data-restored] [data-status=succeeded]', { timeout: 60_000 });
    expect(b?.readFile('/etc/app.conf')?.toString()).toBe('port = 8080\nworkers = 4\n');
    expect(await restoreButton.isDisabled()).toBe(true); // once is enough
    const restoreId = await page.getAttribute('[data-restored] a', 'data-run-link');
    const restore = (await api(server, `/api/v1/runs/${restoreId}`)) as RunRecord;
    expect(restore).toMatchObject({ kind: 'restore', restoreOf: runId, dryRun: false, status: 'succeeded' });
    expect(problems).toEqual([]);
  }, 240_000);
});
