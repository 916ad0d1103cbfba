/** The store reads trends are built from: finding intervals and verdict changes since a time. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../model/finding';
import type { Readiness, Verdict } from '../model/readiness';
import { openStore } from '.';
import type { Store } from '.';

const finding = (key: string, severity: Finding['severity'] = 'error'): Finding => ({
  category: 'sysctls',
  key,
  kind: 'mismatch',
  severity,
  message: `${key} differs`,
});

const readiness = (pair: string, verdict: Verdict, evaluatedAt: string, failing: string[] = []): Readiness =>
  ({
    pair,
    verdict,
    evaluatedAt,
    checks: failing.map((id) => ({ id, status: 'fail' })),
  }) as unknown as Readiness;

describe('trend reads', () => {
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-store-'));
    store = await openStore(path.join(dir, 'driftguard.db'));
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives every finding open at `since` or opened after, of every scope, and not those resolved before', async () => {
    const { findings } = store;
    // 10:00: two drift findings on n-1, one parity finding on the pair.
    await findings.recordEvaluation(
      'node:n-1',
      'drift',
      [finding('a'), finding('b', 'warning')],
      '2026-11-22T10:00:00.000Z',
    );
    await findings.recordEvaluation('pair:p', 'parity', [finding('c')], '2026-11-22T10:00:00.000Z');
    // 11:00: a is fixed.
    await findings.recordEvaluation(
      'node:n-1',
      'drift',
      [finding('b', 'warning')],
      '2026-11-22T11:00:00.000Z',
    );
    // 13:00: b is fixed, d appears on n-2.
    await findings.recordEvaluation('node:n-1', 'drift', [], '2026-11-22T13:00:00.000Z');
    await findings.recordEvaluation('node:n-2', 'drift', [finding('d', 'info')], '2026-11-22T13:00:00.000Z');

    const intervals = await findings.intervalsSince('2026-11-22T12:00:00.000Z');
    const sorted = [...intervals].sort(
      (x, y) => x.scope.localeCompare(y.scope) || x.firstSeen.localeCompare(y.firstSeen),
    );
    expect(sorted).toEqual([
      // b: open at 12:00, resolved at 13:00.
      {
        scope: 'node:n-1',
        source: 'drift',
        severity: 'warning',
        firstSeen: '2026-11-22T10:00:00.000Z',
        resolvedAt: '2026-11-22T13:00:00.000Z',
      },
      { scope: 'node:n-2', source: 'drift', severity: 'info', firstSeen: '2026-11-22T13:00:00.000Z' },
      { scope: 'pair:p', source: 'parity', severity: 'error', firstSeen: '2026-11-22T10:00:00.000Z' },
    ]);
    // a was resolved at 11:00, before `since`: it changes nothing after and is not read.
    expect(await findings.intervalsSince('2026-11-22T10:30:00.000Z')).toHaveLength(4);
  });

  it('gives each pair the verdict in force at `since` and every change after, oldest first', async () => {
    const { readiness: history } = store;
    await history.record(readiness('p', 'GO', '2026-11-22T08:00:00.000Z'));
    await history.record(readiness('p', 'NO-GO', '2026-11-22T09:00:00.000Z', ['parity']));
    await history.record(readiness('p', 'NO-GO', '2026-11-22T09:30:00.000Z', ['parity'])); // same outcome: no row
    await history.record(readiness('p', 'GO', '2026-11-22T11:00:00.000Z'));
    await history.record(readiness('q', 'NO-GO', '2026-11-22T10:30:00.000Z', ['stale']));
    await history.record(readiness('r', 'GO', '2026-11-22T07:00:00.000Z'));

    expect(await history.historySince('2026-11-22T10:00:00.000Z')).toEqual([
      { pair: 'p', verdict: 'NO-GO', evaluatedAt: '2026-11-22T09:00:00.000Z' },
      { pair: 'p', verdict: 'GO', evaluatedAt: '2026-11-22T11:00:00.000Z' },
      { pair: 'q', verdict: 'NO-GO', evaluatedAt: '2026-11-22T10:30:00.000Z' },
      { pair: 'r', verdict: 'GO', evaluatedAt: '2026-11-22T07:00:00.000Z' },
    ]);
    expect((await history.historySince('2026-11-22T12:00:00.000Z')).map((row) => row.pair)).toEqual([
      'p',
      'q',
      'r',
    ]);
  });
});
