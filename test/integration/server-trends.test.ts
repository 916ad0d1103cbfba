/**
 * GET /api/v1/trends on a real SQLite file through inject(): the incident states reported, one
 * finding fixed an hour later, readiness asked for; the series agree with what the node and pair
 * routes say at the same instants.
 */
import * as fs from 'node:fs';
import { buildReport } from '../../src/app/build-report';
import { categoryHashes } from '../../src/collect';
import type { NodeState } from '../../src/model/state';
import type { NodeSummary, Trends } from '../../src/model/api';
import { startTestServer } from '../helpers/server';
import type { TestServer } from '../helpers/server';

const exampleState = (node: string): NodeState =>
  JSON.parse(fs.readFileSync(`examples/states/${node}.json`, 'utf8')) as NodeState;

describe('GET /api/v1/trends', () => {
  let server: TestServer;
  let now: Date;
  let tokenOf: Record<string, string>;

  beforeEach(async () => {
    now = new Date('2026-11-22T10:05:00.000Z');
    server = await startTestServer({ now: () => now });
    tokenOf = {};
    for (const node of ['pypi-1', 'pypi-2'])
      tokenOf[node] = (await server.store.tokens.create({ role: 'node', node }, now.toISOString())).token;
  });
  afterEach(async () => {
    await server.close();
  });

  const get = (url: string) =>
    server.app.inject({ url, headers: { authorization: `Bearer ${server.adminToken}` } });
  const post = (node: string, body: unknown) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${tokenOf[node]}` },
      payload: body as object,
    });
  const driftErrors = async () =>
    ((await get('/api/v1/nodes')).json().nodes as NodeSummary[]).reduce(
      (sum, node) => sum + node.drift.error,
      0,
    );

  it('samples open findings and verdicts over the window', async () => {
    for (const node of ['pypi-1', 'pypi-2'])
      expect((await post(node, buildReport(exampleState(node), `${node}-1`))).statusCode).toBe(201);
    await server.evaluator.idle();
    expect((await get('/api/v1/pairs/pypi/readiness?probes=false')).json().verdict).toBe('NO-GO');
    const errorsAt1005 = await driftErrors();
    expect(errorsAt1005).toBeGreaterThan(0);

    // 11:00: kernel.panic fixed live on pypi-2 (one drift finding and one parity finding resolve).
    now = new Date('2026-11-22T11:00:00.000Z');
    const state = exampleState('pypi-2');
    state.collectedAt = now.toISOString();
    state.sysctls!.live['kernel.panic'] = '10';
    state.hashes = categoryHashes(state);
    expect(
      (await post('pypi-2', buildReport(state, 'pypi-2-2', exampleState('pypi-2').hashes))).statusCode,
    ).toBe(201);
    await server.evaluator.idle();
    const errorsAt1100 = await driftErrors();
    expect(errorsAt1100).toBeLessThan(errorsAt1005);

    now = new Date('2026-11-22T11:30:00.000Z');
    const response = await get('/api/v1/trends?since=2026-11-22T09:30:00Z&points=5');
    expect(response.statusCode).toBe(200);
    const trends = response.json() as Trends;
    expect(trends.since).toBe('2026-11-22T09:30:00.000Z');
    expect(trends.until).toBe('2026-11-22T11:30:00.000Z');
    const hour = (hhmm: string) => Date.parse(`2026-11-22T${hhmm}:00Z`) / 1000;
    expect(trends.points).toEqual([
      hour('09:30'),
      hour('10:00'),
      hour('10:30'),
      hour('11:00'),
      hour('11:30'),
    ]);
    // The findings were first seen when the states were collected (10:00).
    expect(trends.drift.error).toEqual([0, errorsAt1005, errorsAt1005, errorsAt1100, errorsAt1100]);
    const parityNow = (await get('/api/v1/pairs'))
      .json()
      .pairs.find((p: { name: string }) => p.name === 'pypi').parity.error as number;
    expect(trends.parity.error.at(-1)).toBe(parityNow);
    expect(trends.pairs['pypi']?.parity.error.at(-1)).toBe(parityNow);
    expect(trends.parity.error[0]).toBe(0);
    // Readiness was first asked at 10:05: no verdict before, NO-GO from then on.
    expect(trends.pairs['pypi']?.verdict).toEqual([null, null, 'NO-GO', 'NO-GO', 'NO-GO']);
    expect(trends.readiness).toEqual({ go: [0, 0, 0, 0, 0], noGo: [0, 0, 1, 1, 1] });
  });

  it('defaults to the last 7 days in 120 points', async () => {
    const trends = (await get('/api/v1/trends')).json() as Trends;
    expect(trends.until).toBe(now.toISOString());
    expect(trends.since).toBe(new Date(now.getTime() - 7 * 86_400_000).toISOString());
    expect(trends.points).toHaveLength(120);
    expect(Object.keys(trends.pairs)).toContain('pypi');
  });

  it('refuses a bad window or number of points with a 400 that says why', async () => {
    for (const query of [
      'points=1',
      'points=1001',
      'points=ten',
      'since=yesterday',
      'since=2030-01-01T00:00:00Z',
      'x=1',
    ]) {
      const response = await get(`/api/v1/trends?${query}`);
      expect({ query, status: response.statusCode }).toEqual({ query, status: 400 });
    }
    expect((await get('/api/v1/trends?points=1001')).json().error.message).toMatch(/between 2 and 1000/);
  });
});
