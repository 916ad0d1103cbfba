/**
 * Readiness on the server: the API's answer agrees with the offline `ready` on the same states,
 * is recorded as history (when did the pair last say GO, what changed on the secondary since),
 * and shows in /metrics.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildReport } from '../../src/app/build-report';
import type { NodeState } from '../../src/model/state';
import type { Readiness } from '../../src/model/readiness';
import { runCli } from '../helpers/cli';
import { collectCorrectedPair } from '../helpers/corrected-pypi';
import { startTestServer } from '../helpers/server';
import type { TestServer } from '../helpers/server';

const readState = (file: string): NodeState => JSON.parse(fs.readFileSync(file, 'utf8')) as NodeState;

describe('readiness over the API', () => {
  let server: TestServer;
  let now: Date;
  let correctedDir: string;

  beforeAll(() => {
    correctedDir = collectCorrectedPair('2026-11-22T10:30:00.000Z');
  });
  afterAll(() => fs.rmSync(correctedDir, { recursive: true, force: true }));

  beforeEach(async () => {
    now = new Date('2026-11-22T10:05:00.000Z');
    server = await startTestServer({ now: () => now });
  });
  afterEach(() => server.close());

  const get = (url: string) =>
    server.app.inject({ url, headers: { authorization: `Bearer ${server.adminToken}` } });

  async function report(state: NodeState, id: string): Promise<void> {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${server.adminToken}` },
      payload: buildReport(state, id),
    });
    expect(response.statusCode).toBe(201);
    await server.evaluator.idle();
  }

  it('agrees with the offline evaluation of the same states', async () => {
    for (const node of ['pypi-1', 'pypi-2'])
      await report(readState(`examples/states/${node}.json`), `${node}-1`);
    const online = (await get('/api/v1/pairs/pypi/readiness?probes=false')).json() as Readiness;
    const offline = JSON.parse(
      runCli(['ready', 'pypi', '--states', 'examples/states', '--no-probes', '--json'], {
        env: { DRIFTGUARD_NOW: now.toISOString() },
      }).stdout,
    ) as Readiness;
    expect(online).toEqual(offline);
    expect(online.verdict).toBe('NO-GO');
  });

  it('keeps history: when the pair last said GO, and what changed on the secondary since', async () => {
    now = new Date('2026-11-22T10:31:00.000Z');
    for (const node of ['pypi-1', 'pypi-2'])
      await report(readState(path.join(correctedDir, `${node}.json`)), `${node}-ok`);
    expect((await get('/api/v1/pairs/pypi/readiness?probes=false')).json().verdict).toBe('GO');

    // 10:40 — the secondary drifts: someone sets kernel.panic back to 0 live.
    now = new Date('2026-11-22T10:41:00.000Z');
    const drifted = readState(path.join(correctedDir, 'pypi-2.json'));
    drifted.collectedAt = '2026-11-22T10:40:00.000Z';
    drifted.sysctls!.live['kernel.panic'] = '0';
    const { categoryHashes } = await import('../../src/collect');
    drifted.hashes = categoryHashes(drifted);
    await report(drifted, 'pypi-2-drift');
    const noGo = (await get('/api/v1/pairs/pypi/readiness?probes=false')).json() as Readiness;
    expect(noGo.verdict).toBe('NO-GO');

    const history = (await get('/api/v1/pairs/pypi/readiness/history')).json();
    expect(history.current).toMatchObject({
      verdict: 'NO-GO',
      failing: ['secondary-conforms', 'parity-sysctls', 'panic-reboot'],
    });
    expect(history.lastGo).toEqual({
      evaluatedAt: '2026-11-22T10:31:00.000Z',
      lastEvaluatedAt: '2026-11-22T10:31:00.000Z',
    });
    expect(history.secondaryChangesSinceLastGo.differences).toEqual([
      expect.objectContaining({ category: 'sysctls', key: 'kernel.panic', expected: '10', actual: '0' }),
    ]);
    expect(history.history.map((h: { verdict: string }) => h.verdict)).toEqual(['NO-GO', 'GO']);

    const metrics = (await get('/metrics')).body;
    expect(metrics).toContain('driftguard_pair_ready{pair="pypi"} 0');
    expect(metrics).toContain('driftguard_pair_failing_checks{pair="pypi"} 3');
  });

  it('an unknown pair is a 404', async () => {
    const response = await get('/api/v1/pairs/nosuch/readiness?probes=false');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('E_NOT_FOUND');
  });
});
