/**
 * The dashboard in headless Chromium (Debian's, through playwright-core: test/helpers/browser.ts) against a real server
 * holding a large fleet — 1,000 nodes, 200 pairs by default, each node's state this host's with
 * a little drift of its own:
 *
 * - navigation: from `goto` to the fleet page fully rendered (every node row and pair row
 *   there), in a fresh browser context each time (nothing cached);
 * - live: from the server's acceptance of a report (its 201 received here) to the page showing
 *   its effect (the node's drift count changed), the page left open as on a wall display.
 *
 *   npm run bench -- dashboard [--nodes 1000] [--pairs 200] [--runs 10]
 */
import * as os from 'node:os';
import type { Page } from 'playwright-core';
import { buildReport } from '../src/app/build-report';
import { collectNode } from '../src/app/collect-node';
import { categoryHashes } from '../src/collect';
import type { NodeState } from '../src/model/state';
import { launchBrowser } from '../test/helpers/browser';
import { load, nodeNames, startBenchServer } from './fleet-server';
import { ms, summarize } from './stats';

/** This host's state as `node`, with `openssh-client` (which the role wants) removed when `drifting`. */
function stateFor(host: NodeState, node: string, collectedAt: string, drifting: boolean): NodeState {
  const state: NodeState = { ...host, node, collectedAt };
  if (drifting && host.packages) {
    // Keyed by name:arch.
    const items = Object.fromEntries(
      Object.entries(host.packages.items).filter(([, item]) => item.name !== 'openssh-client'),
    );
    if (Object.keys(items).length === Object.keys(host.packages.items).length)
      throw new Error('this host has no openssh-client package to take away');
    state.packages = { ...host.packages, items };
  }
  return { ...state, hashes: categoryHashes(state) };
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function getJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** Resolves with the page-side time (ms since the epoch) at which the node's drift cell reads `want`. */
function watchDrift(page: Page, node: string, want: string): Promise<number> {
  return page.evaluate(
    `new Promise((resolve) => {
      const done = () => {
        const cell = document.querySelector('.node-row[data-node="${node}"] .drift-total');
        if (cell && cell.getAttribute('data-drift') === ${JSON.stringify(want)}) {
          resolve(performance.timeOrigin + performance.now());
          return true;
        }
        return false;
      };
      if (done()) return;
      const observer = new MutationObserver(() => { if (done()) observer.disconnect(); });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    })`,
  ) as Promise<number>;
}

export async function runDashboardBench(args: Map<string, string>): Promise<void> {
  const nodeCount = Number(args.get('nodes') ?? 1000);
  const pairCount = Number(args.get('pairs') ?? 200);
  const runs = Number(args.get('runs') ?? 10);
  const nodes = nodeNames(nodeCount);
  const { state: host } = await collectNode({ root: '/', node: 'bench', now: new Date() });
  // The server as it runs by default: the readiness monitor evaluates a pair again after a report
  // of one of its nodes, and every pair once a minute.
  const server = await startBenchServer({ nodes, pairs: pairCount });
  const browser = await launchBrowser();
  try {
    const now = new Date().toISOString();
    // Every third node drifts a little more, so the fleet has some order to sort.
    const bodies = nodes.map((node, i) =>
      JSON.stringify(buildReport(stateFor(host, node, now, i % 3 === 0), `${node}-1`)),
    );
    const fed = await load(server.port, server.token, bodies, 16);
    if (fed.failures.length) throw new Error(`reports refused: ${fed.failures.slice(0, 3).join(', ')}`);
    await waitUntil('every pair evaluated', async () => {
      const { pairs } = await getJson<{ pairs: { readiness?: unknown }[] }>(
        `${server.url}/api/v1/pairs`,
        server.token,
      );
      return pairs.length === pairCount && pairs.every((pair) => pair.readiness);
    });

    const navigation: number[] = [];
    const splits: Record<string, number>[] = [];
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(server.url);
      await page.waitForFunction(
        `document.querySelectorAll('.nodes .node-row[data-node]').length === ${nodeCount} &&
         document.querySelectorAll('table.pairs tbody tr').length === ${pairCount}`,
        undefined,
        { timeout: 60_000, polling: 'raf' },
      );
      navigation.push(Date.now() - started);
      // Where the time went, by the page's own clock (ms since navigation start).
      const split = (await page.evaluate(`(() => {
        const api = (path) => performance.getEntriesByType('resource').find((e) => e.name.endsWith(path));
        const nav = performance.getEntriesByType('navigation')[0];
        return {
          script: nav.domContentLoadedEventEnd,
          nodesApi: api('/api/v1/nodes')?.duration ?? NaN,
          nodesArrived: api('/api/v1/nodes')?.responseEnd ?? NaN,
          pairsApi: api('/api/v1/pairs')?.duration ?? NaN,
          rendered: performance.now(),
        };
      })()`)) as Record<string, number>;
      splits.push(split);
      await context.close();
    }

    // Live: one page open; a node flips between drifting and not, one report at a time.
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('[data-connection="live"]').waitFor({ timeout: 60_000 });
    await page.locator(`.node-row[data-node="${nodes[1]}"]`).waitFor({ timeout: 60_000 });
    const node = nodes[1] as string; // a secondary: its pair is evaluated again too
    const live: number[] = [];
    for (let run = 0; run < Math.max(runs, 20); run++) {
      const drifting = run % 2 === 0;
      const state = stateFor(host, node, new Date().toISOString(), drifting);
      const before =
        (await page.locator(`.node-row[data-node="${node}"] .drift-total`).getAttribute('data-drift')) ?? '';
      const [errors, warnings, infos] = before.split('/').map(Number) as [number, number, number];
      const want = `${errors + (drifting ? 1 : -1)}/${warnings}/${infos}`;
      const shown = watchDrift(page, node, want);
      const result = await load(
        server.port,
        server.token,
        [JSON.stringify(buildReport(state, `live-${run}`))],
        1,
      );
      const accepted = Date.now();
      if (result.failures.length) throw new Error(`live report refused: ${result.failures.join(', ')}`);
      live.push((await shown) - accepted);
    }
    await context.close();

    const nav = summarize(navigation);
    const median = (key: string) => summarize(splits.map((split) => split[key] as number)).median;
    const upd = summarize(live);
    process.stdout.write(
      [
        `driftguard dashboard: headless Chromium against a real server, ${nodeCount} nodes, ${pairCount} pairs (node ${process.version}, ${os.cpus().length} CPUs)`,
        `  fleet page, navigation to fully rendered (${runs} runs, fresh context each): median ${ms(nav.median)}  p90 ${ms(nav.p90)}  min ${ms(nav.min)}  max ${ms(nav.max)}`,
        `    of which (medians, ms from navigation start): page and script loaded ${ms(median('script'))}; GET /nodes ${ms(median('nodesApi'))} (arrived at ${ms(median('nodesArrived'))}), GET /pairs ${ms(median('pairsApi'))}; all rows rendered at ${ms(median('rendered'))}`,
        `  report accepted → page shows it (${live.length} reports): median ${ms(upd.median)}  p90 ${ms(upd.p90)}  max ${ms(upd.max)}`,
        `  targets: ≤ 1 s and ≤ 500 ms`,
      ].join('\n') + '\n',
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}
