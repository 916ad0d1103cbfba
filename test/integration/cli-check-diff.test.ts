/**
 * `check` and `diff` on the example incident pair (examples/states, collected from the pypi
 * fixture trees): every seeded difference is reported with its exact key, and exit 1; a
 * conforming, identical pair exits 0.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../../src/model/finding';
import { runCli } from '../helpers/cli';
import { collectCorrectedPair } from '../helpers/corrected-pypi';

const STATES = ['--states', 'examples/states'];

const keysOf = (findings: Finding[]) => findings.map((f) => `${f.category} ${f.key} ${f.kind}`);

describe('check on the PyPI 2013 pair', () => {
  it('names every way the secondary drifts from its role, and exits 1', () => {
    const result = runCli(['check', 'pypi-2', ...STATES, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.status).toBe('drift');
    expect(keysOf(report.drift)).toEqual(
      expect.arrayContaining([
        'packages pypissh missing',
        'units pypissh.service missing',
        'sysctls kernel.panic mismatch',
        'sysctls kernel.panic not-persisted',
        'mounts /srv/pypi unsafe',
        'users pypi mismatch',
      ]),
    );
  });

  it('compares the secondary with the primary in the same run', () => {
    const report = JSON.parse(runCli(['check', 'pypi-2', ...STATES, '--json']).stdout);
    expect(report.parity).toHaveLength(1);
    const [pair] = report.parity;
    expect(pair).toMatchObject({ pair: 'pypi', role: 'secondary', peer: 'pypi-1' });
    expect(keysOf(pair.findings)).toEqual(
      expect.arrayContaining([
        'packages pypissh:all missing',
        'packages python3-psycopg2:amd64 mismatch',
        'packages python3-sqlalchemy:all mismatch',
        'units pypissh.service missing',
        'sysctls vm.swappiness mismatch',
        'files /etc/drbd.d/r0.res mismatch',
        'users pypi mismatch',
        'capacity memoryBytes mismatch',
        'capacity cpus mismatch',
      ]),
    );
    const r0 = pair.findings.find((f: Finding) => f.key === '/etc/drbd.d/r0.res');
    expect(r0.diff).toContain('-\t\tverify-alg sha256;');
  });

  it('prints text for a person with the keys and the fstab line', () => {
    const result = runCli(['check', 'pypi-1', ...STATES]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('kernel.panic is 0 live, desired 10');
    expect(result.stdout).toContain(
      '/srv/pypi moves with the primary but would be mounted at boot: add noauto (fstab line 17)',
    );
    expect(result.stdout).toContain('pypissh:all 1.2.0-1 only on primary (pypi-1)');
    expect(result.stdout).not.toContain('\u001b['); // no colour when not a terminal
  });
});

describe('diff between the two nodes', () => {
  it('lists first what the old node has that the new one lacks: the forgotten pypissh', () => {
    const result = runCli(['diff', 'pypi-1', 'pypi-2', ...STATES]);
    expect(result.code).toBe(1);
    const lacks = result.stdout.indexOf('Only on pypi-1 (primary) — what pypi-2 lacks: 2');
    expect(lacks).toBeGreaterThan(-1);
    const pypissh = result.stdout.indexOf('pypissh.service (enabled) only on primary');
    const swappiness = result.stdout.indexOf('vm.swappiness live differs');
    expect(pypissh).toBeGreaterThan(lacks);
    expect(swappiness).toBeGreaterThan(pypissh);
  });

  it('--json is one document with the findings in migration order', () => {
    const result = runCli(['diff', 'pypi-1', 'pypi-2', ...STATES, '--json']);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      pair: 'pypi',
      status: 'differ',
      first: { node: 'pypi-1', label: 'primary' },
    });
    // Migration order, as the README describes it: what the first node has that the second lacks,
    // then what only the second has, then what differs on both; within each, by category in the
    // order a node is described (os first, replication last), then by key.
    const group = (side: string) => (side === 'only-first' ? 0 : side === 'only-second' ? 1 : 2);
    const categories = [
      'os',
      'capacity',
      'packages',
      'mounts',
      'units',
      'sysctls',
      'files',
      'users',
      'replication',
    ];
    const findings = report.findings as { side: string; category: string; key: string }[];
    const sorted = [...findings].sort(
      (a, b) =>
        group(a.side) - group(b.side) ||
        categories.indexOf(a.category) - categories.indexOf(b.category) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
    expect(findings.map((f) => `${f.side} ${f.category} ${f.key}`)).toEqual(
      sorted.map((f) => `${f.side} ${f.category} ${f.key}`),
    );
    expect(findings.filter((f) => f.side === 'only-first').map((f) => `${f.category} ${f.key}`)).toEqual([
      'packages pypissh:all',
      'units pypissh.service',
    ]);
    expect(new Set(findings.map((f) => f.category)).size).toBeGreaterThan(3);
  });
});

describe('a corrected, identical pair', () => {
  let statesDir: string;

  beforeAll(() => {
    statesDir = collectCorrectedPair();
  });

  afterAll(() => {
    fs.rmSync(statesDir, { recursive: true, force: true });
  });

  it('check exits 0 and says the node is clean', () => {
    const result = runCli(['check', 'pypi-2', '--states', statesDir]);
    expect(result.stdout).toContain('pypi-2 is clean');
    expect(result.code).toBe(0);
  });

  it('diff exits 0', () => {
    const result = runCli(['diff', 'pypi-1', 'pypi-2', '--states', statesDir, '--json']);
    expect(JSON.parse(result.stdout).findings).toEqual([]);
    expect(result.code).toBe(0);
  });
});

describe('a conforming primary whose secondary differs (DESIGN §11)', () => {
  let statesDir: string;

  beforeAll(() => {
    statesDir = collectCorrectedPair();
    // The 2013 secondary beside the corrected primary.
    fs.copyFileSync('examples/states/pypi-2.json', path.join(statesDir, 'pypi-2.json'));
  });

  afterAll(() => {
    fs.rmSync(statesDir, { recursive: true, force: true });
  });

  it("check PRIMARY shows the parity differences but exits 0: they are the secondary's to fix", () => {
    const result = runCli(['check', 'pypi-1', '--states', statesDir]);
    expect(result.stdout).toContain('pypissh:all 1.2.0-1 only on primary (pypi-1)');
    expect(result.stdout).toContain("pypi-1 is clean (parity differences are pypi-2's to fix");
    expect(result.code).toBe(0);
    const json = runCli(['check', 'pypi-1', '--states', statesDir, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'clean', drift: [] });
    expect(json.code).toBe(0);
  });

  it('check SECONDARY counts them, exit 1', () => {
    const result = runCli(['check', 'pypi-2', '--states', statesDir]);
    expect(result.stdout).toContain('pypissh:all 1.2.0-1 only on primary (pypi-1)');
    expect(result.code).toBe(1);
  });
});

describe('bad input', () => {
  it('a missing state names the file and how to make it, exit 2', () => {
    const result = runCli(['check', 'pypi-2', '--states', 'test/fixtures']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no state for node pypi-2');
    expect(result.stdout).toBe('');
  });

  it('a node the desired state does not declare is an error, exit 2', () => {
    const result = runCli(['check', 'nosuch', ...STATES]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nosuch');
  });

  it('a state file that is not JSON gets line and column, exit 2', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-bad-'));
    fs.copyFileSync('examples/states/pypi-1.json', path.join(dir, 'pypi-1.json'));
    fs.writeFileSync(
      path.join(dir, 'pypi-2.json'),
      '{\n  "schema": "driftguard/state@1",\n  "node": "pypi-2",,\n}\n',
    );
    const result = runCli(['check', 'pypi-2', '--states', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pypi-2\.json:3:\d+/);
  });

  it('a state that breaks the schema names the JSON path, exit 2', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-bad-'));
    const state = JSON.parse(fs.readFileSync('examples/states/pypi-2.json', 'utf8'));
    state.packages.items['bash:amd64'].version = 5;
    fs.writeFileSync(path.join(dir, 'pypi-2.json'), JSON.stringify(state));
    const result = runCli(['check', 'pypi-2', '--states', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/packages/items/bash:amd64/version: must be string');
  });

  it('neither --states nor --server is a usage error, exit 2', () => {
    const result = runCli(['diff', 'pypi-1', 'pypi-2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--states');
  });
});
