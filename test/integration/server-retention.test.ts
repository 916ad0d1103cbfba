/**
 * `serve --keep-history`: the server forgets old history on its own — at start, then hourly —
 * and a period too short to keep the last hour's trends is refused before anything is opened.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '../../src/store';
import { runCli } from '../helpers/cli';
import { killAll, startServer, waitFor } from '../helpers/processes';

jest.setTimeout(60_000);
afterAll(() => killAll());

const NOW = '2026-12-07T12:00:00.000Z';
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();

it('prunes at start: receipts older than a day, findings resolved before the kept period', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-retention-'));
  const db = path.join(dir, 'driftguard.db');
  const store = await openStore(db);
  for (const [reportId, at] of [
    ['two-days-old', daysAgo(2)],
    ['an-hour-old', daysAgo(1 / 24)],
  ] as const)
    await store.states.recordReport({
      node: 'pypi-1',
      reportId,
      receivedAt: at,
      collectedAt: at,
      kind: 'heartbeat',
      changed: [],
    });
  const finding = {
    category: 'sysctls',
    key: 'vm.swappiness',
    kind: 'mismatch',
    severity: 'error',
    message: 'differs',
  } as const;
  for (const [scope, resolvedDaysAgo] of [
    ['node:pypi-1', 12],
    ['node:pypi-2', 5],
  ] as const) {
    await store.findings.recordEvaluation(scope, 'drift', [finding], daysAgo(resolvedDaysAgo + 1));
    await store.findings.recordEvaluation(scope, 'drift', [], daysAgo(resolvedDaysAgo));
  }
  await store.close();

  const server = await startServer({
    db,
    args: ['--readiness-interval', '0s', '--keep-history', '10d'],
    env: { DRIFTGUARD_NOW: NOW },
  });
  const reading = await openStore(db);
  try {
    await waitFor(
      'the old receipt to be forgotten',
      async () => !(await reading.states.reportSeen('pypi-1', 'two-days-old')),
    );
    expect(await reading.states.reportSeen('pypi-1', 'an-hour-old')).toBe(true);
    expect(await reading.findings.changedSince('node:pypi-1', daysAgo(30))).toEqual([]);
    expect(await reading.findings.changedSince('node:pypi-2', daysAgo(30))).toHaveLength(1);
  } finally {
    await reading.close();
    await server.stop();
  }
});

it.each([['10m'], ['a week']])('refuses --keep-history %s with exit 2, and opens no store', (value) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-retention-'));
  const db = path.join(dir, 'driftguard.db');
  const run = runCli(['serve', '--db', db, '--keep-history', value]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('--keep-history');
  expect(fs.readdirSync(dir)).toEqual([]);
});
