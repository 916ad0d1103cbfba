/**
 * `npm run bench -- retention [--nodes 10000] [--minutes 60] [--db sqlite|postgres]`: what the
 * hourly prune of `serve --keep-history` costs after an hour of the fleet bench's traffic — each
 * node a receipt a minute, one node in ten a new version of one category a minute (a text of its
 * own) — all of it older than the cutoff. Reports the rows forgotten, the wall time, and on
 * SQLite the longest the event loop was held (the prune runs on the server's HTTP thread there,
 * a window of rows per transaction).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startPostgres } from '../test/helpers/postgres';
import type { TestPostgres } from '../test/helpers/postgres';
import { openStore } from '../src/store';
import type { Store } from '../src/store';
import { ms } from './stats';

const CATEGORIES = ['packages', 'sysctls', 'files', 'units'] as const;
const T0 = Date.parse('2026-12-07T00:00:00.000Z');
const at = (minute: number, node: number) => new Date(T0 + minute * 60_000 + node).toISOString();

/** An hour of the fleet's history, a minute per transaction. */
async function fill(
  store: Store,
  nodes: number,
  minutes: number,
): Promise<{ receipts: number; versions: number }> {
  let receipts = 0;
  let versions = 0;
  for (let minute = 0; minute < minutes; minute++) {
    await store.transaction(async (tx) => {
      for (let node = 0; node < nodes; node++) {
        const name = `node-${String(node).padStart(5, '0')}`;
        const time = at(minute, node);
        await tx.states.recordReport({
          node: name,
          reportId: `r-${minute}`,
          receivedAt: time,
          collectedAt: time,
          kind: 'heartbeat',
          changed: [],
        });
        receipts++;
        // One node in ten changes a category this minute (minute 0: every node's first versions).
        const changes =
          minute === 0 ? CATEGORIES : node % 10 === minute % 10 ? [CATEGORIES[minute % 4]!] : [];
        for (const category of changes) {
          const content = JSON.stringify({ node: name, minute, filler: 'x'.repeat(2000) });
          await tx.states.putCategory({
            node: name,
            category,
            hash: `sha256:${name}-${category}-${minute}`,
            content,
            collectedAt: time,
            receivedAt: time,
          });
          versions++;
        }
      }
    });
  }
  return { receipts, versions };
}

export async function runRetentionBench(args: Map<string, string>): Promise<void> {
  const nodes = Number(args.get('nodes') ?? 10000);
  const minutes = Number(args.get('minutes') ?? 60);
  const backend = args.get('db') ?? 'sqlite';
  if (backend !== 'sqlite' && backend !== 'postgres')
    throw new Error(`--db wants sqlite or postgres, not ${backend}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-bench-retention-'));
  let cluster: TestPostgres | undefined;
  try {
    let location = path.join(dir, 'driftguard.db');
    if (backend === 'postgres') {
      cluster = await startPostgres();
      location = await cluster.createDatabase();
    }
    const store = await openStore(location);
    try {
      const filling = Date.now();
      const filled = await fill(store, nodes, minutes);
      process.stdout.write(
        `retention bench: ${backend}, ${nodes} nodes, ${minutes} minutes of history: ` +
          `${filled.receipts} receipts, ${filled.versions} versions (filled in ${ms(Date.now() - filling)}), load ${os.loadavg()[0]?.toFixed(2)}\n`,
      );
      const cutoff = new Date(T0 + (minutes + 1) * 60_000).toISOString();
      const held = monitorEventLoopDelay({ resolution: 5 });
      held.enable();
      const started = process.hrtime.bigint();
      const pruned = await store.pruneHistory({ history: cutoff, receipts: cutoff });
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      held.disable();
      const rows = pruned.receipts + pruned.versions + pruned.contents;
      process.stdout.write(
        `pruned ${JSON.stringify(pruned)} in ${ms(wallMs)}: ${Math.round(rows / (wallMs / 1000))} rows/s; ` +
          `event loop held at most ${ms(held.max / 1e6)} at once\n`,
      );
    } finally {
      await store.close();
    }
  } finally {
    cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
