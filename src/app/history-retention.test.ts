import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../model/finding';
import { openStore } from '../store';
import type { Pruned, Store } from '../store';
import { RECEIPTS_KEPT_MS, startHistoryRetention } from './history-retention';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const DAY = 24 * 60 * 60 * 1000;
const finding: Finding = {
  category: 'sysctls',
  key: 'vm.swappiness',
  kind: 'mismatch',
  severity: 'error',
  message: 'differs',
};

describe('history retention', () => {
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-retention-'));
    store = await openStore(path.join(dir, 'driftguard.db'));
    // Receipts from just over and just under a day ago; a finding resolved 40 days ago and one 20.
    for (const [id, at] of [
      ['old', ago(RECEIPTS_KEPT_MS + 60_000)],
      ['new', ago(RECEIPTS_KEPT_MS - 60_000)],
    ] as const)
      await store.states.recordReport({
        node: 'n-1',
        reportId: id,
        receivedAt: at,
        collectedAt: at,
        kind: 'heartbeat',
        changed: [],
      });
    for (const [scope, opened, resolved] of [
      ['node:n-1', ago(41 * DAY), ago(40 * DAY)],
      ['node:n-2', ago(21 * DAY), ago(20 * DAY)],
    ] as const) {
      await store.findings.recordEvaluation(scope, 'drift', [finding], opened);
      await store.findings.recordEvaluation(scope, 'drift', [], resolved);
    }
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prunes at start, one prune at a time: receipts older than a day, history older than kept', async () => {
    const pruned: Pruned[] = [];
    const errors: string[] = [];
    const retention = startHistoryRetention({
      store,
      now: () => NOW,
      keepHistoryMs: 30 * DAY,
      onPruned: (counts) => pruned.push(counts),
      onError: (message) => errors.push(message),
    });
    try {
      await retention.pruneNow(); // refused while the first prune runs, or a second one
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(pruned).toEqual([{ receipts: 1, versions: 0, contents: 0, findings: 1, readiness: 0 }]);
      expect(await store.states.reportSeen('n-1', 'old')).toBe(false);
      expect(await store.states.reportSeen('n-1', 'new')).toBe(true);
      expect(await store.findings.changedSince('node:n-2', ago(30 * DAY))).toHaveLength(1);
      expect(errors).toEqual([]);
    } finally {
      retention.stop();
    }
  });

  it('does nothing on an instance that does not hold the lease', async () => {
    let held = false;
    const pruned: Pruned[] = [];
    const retention = startHistoryRetention({
      store,
      now: () => NOW,
      keepHistoryMs: 30 * DAY,
      active: () => held,
      onPruned: (counts) => pruned.push(counts),
      onError: () => undefined,
    });
    try {
      await retention.pruneNow();
      expect(pruned).toEqual([]);
      expect(await store.states.reportSeen('n-1', 'old')).toBe(true);
      held = true;
      await retention.pruneNow();
      expect(pruned).toEqual([{ receipts: 1, versions: 0, contents: 0, findings: 1, readiness: 0 }]);
    } finally {
      retention.stop();
    }
  });

  it('tells of a failed prune', async () => {
    const errors: string[] = [];
    await store.close();
    const retention = startHistoryRetention({
      store,
      now: () => NOW,
      keepHistoryMs: 30 * DAY,
      onPruned: () => undefined,
      onError: (message) => errors.push(message),
    });
    retention.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    store = await openStore(path.join(dir, 'driftguard.db'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/not open|closed/i);
  });
});
