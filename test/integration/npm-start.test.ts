/**
 * `npm start` is the first thing a newcomer runs: the server with the example desired state, this
 * host, and the PyPI 2013 pair collected from its fixture trees as it runs — so the pair's NO-GO
 * is for the pair's real problems on any day, never for reports gone stale since the examples
 * were written. Runs the very arguments of package.json's start script (with a store and port of
 * its own), on a clock set years ahead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readiness } from '../../src/model/readiness';
import { REPO } from '../helpers/cli';
import { api, killAll, startServer, waitFor } from '../helpers/processes';

jest.setTimeout(60_000);

/** The arguments after `driftguard` in `npm start`. */
function startArgs(): string[] {
  const script = (
    JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    }
  ).scripts.start;
  const command = script.split('&&').pop()?.trim() ?? '';
  const words = command.split(/\s+/);
  expect(words.slice(0, 3)).toEqual(['node', 'bin/driftguard.js', 'serve']);
  return words.slice(3);
}

afterAll(() => killAll());

it('shows the pair NO-GO for its real problems, with fresh reports, on any day', async () => {
  const someDay = '2031-06-01T12:00:00.000Z';
  const server = await startServer({ args: startArgs(), env: { DRIFTGUARD_NOW: someDay } });
  const readiness = await waitFor('both nodes of the pair to report', async () => {
    const result = (await api(server, '/api/v1/pairs/pypi/readiness?probes=false').catch(() => undefined)) as
      Readiness | undefined;
    const fresh = result?.checks.find((check) => check.id === 'fresh-reports');
    return fresh?.status === 'pass' ? result : undefined;
  });
  expect(readiness.evaluatedAt).toBe(someDay);
  expect(readiness.checks.find((check) => check.id === 'fresh-reports')?.status).toBe('pass');
  expect(readiness.verdict).toBe('NO-GO');
  const failing = readiness.checks.filter((check) => check.status === 'fail').map((check) => check.id);
  expect(failing).toEqual(
    expect.arrayContaining(['boot-safety', 'panic-reboot', 'capacity', 'parity-packages']),
  );
  expect(failing).not.toContain('fresh-reports');
  // And this host reports as `localhost`, as the README says.
  const nodes = (await api(server, '/api/v1/nodes')) as { nodes: { name: string; lastSeen?: string }[] };
  expect(nodes.nodes.map((node) => node.name)).toEqual(
    expect.arrayContaining(['localhost', 'pypi-1', 'pypi-2']),
  );
});
