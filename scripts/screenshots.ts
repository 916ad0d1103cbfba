/**
 * `npm run screenshots`: the README's pictures of the dashboard, taken again — Debian's
 * Chromium (playwright-core) against a real server on the example desired state and the
 * incident states of examples/states. Writes docs/images/dashboard-fleet.png,
 * dashboard-pair.png and dashboard-boot-chain.png.
 */
import * as path from 'node:path';
import { startServeProcess } from '../bench/fleet-server';
import { launchBrowser } from '../test/helpers/browser';

const ROOT = path.resolve(__dirname, '..', '..');
const IMAGES = path.join(ROOT, 'docs', 'images');

async function main(): Promise<void> {
  const server = await startServeProcess({
    desired: path.join(ROOT, 'desired-state'),
    args: ['--import', path.join(ROOT, 'examples', 'states')],
  });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('[data-connection="live"]').waitFor();
    await page.locator('tr[data-pair="pypi"] .verdict.no-go').waitFor();
    await page.locator('.node-row[data-node="pypi-2"]').waitFor();
    const fleet = path.join(IMAGES, 'dashboard-fleet.png');
    await page.screenshot({ path: fleet });

    await page.goto(`${server.url}/#/pairs/pypi`);
    const chain = page.locator('[data-boot-chain]').first();
    await chain.waitFor();
    // The top of the runbook: the verdict, its causes, and below them the moving parts.
    await page.setViewportSize({ width: 1440, height: 1300 });
    const pair = path.join(IMAGES, 'dashboard-pair.png');
    await page.screenshot({ path: pair });
    // The boot chain of the replicated device, the part of the runbook the PyPI team lacked.
    const bootChain = path.join(IMAGES, 'dashboard-boot-chain.png');
    await chain.screenshot({ path: bootChain });
    process.stdout.write(
      `wrote ${[fleet, pair, bootChain].map((file) => path.relative(ROOT, file)).join(', ')}\n`,
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
