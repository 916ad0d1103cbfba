/**
 * `driftguard collect --root test/fixtures/nodes/X` reproduces the checked-in state of every
 * fixture node (examples/states/X.json), and every collected state is a valid NodeState.
 * `DRIFTGUARD_REGENERATE=1 npx jest cli-collect` rewrites the expected states after a
 * deliberate change to a collector or a fixture — review the diff before committing it.
 * Because they are the implementation's own output, their key facts are also checked against
 * sources that are not driftguard: package versions and statuses from `dpkg-query --admindir`
 * on the fixture's dpkg database, live sysctls from the fixture's proc/sys files — so a wrong
 * value cannot be blessed by regenerating.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateState } from '../../src/model/validate-state';
import type { NodeState } from '../../src/model/state';
import type { DriftguardError } from '../../src/shared/errors';
import { EXAMPLE_TIME, REPO, runCli } from '../helpers/cli';
import {
  DEBIAN_FIXTURE_NODES,
  FIXTURE_NODES,
  fixtureNodeNames,
  fixtureRoot,
  preparedFixtureRoot,
} from '../helpers/fixture-nodes';
import { changesByItself } from '../helpers/volatile-sysctls';

const STATES_DIR = path.join(REPO, 'examples/states');
const regenerate = process.env.DRIFTGUARD_REGENERATE === '1';

describe('collect on fixture trees', () => {
  const nodes = fixtureNodeNames();

  it('has the fixture nodes the project promises', () => {
    expect(nodes).toEqual(expect.arrayContaining([...FIXTURE_NODES]));
  });

  it.each(nodes)('%s: reproduces examples/states/%s.json', (node) => {
    const root = preparedFixtureRoot(node);
    try {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dg-out-')), `${node}.json`);
      const result = runCli(
        ['collect', '--root', root, '--node', node, '--desired', 'desired-state', '--out', out],
        {
          env: { DRIFTGUARD_NOW: EXAMPLE_TIME },
        },
      );
      expect(result.stdout).toBe('');
      expect(result.code).toBe(0);
      const collected = fs.readFileSync(out, 'utf8');
      let state;
      try {
        state = validateState(JSON.parse(collected), out);
      } catch (err) {
        throw new Error((err as DriftguardError).describe(), { cause: err });
      }
      expect(state.node).toBe(node);
      const expectedFile = path.join(STATES_DIR, `${node}.json`);
      if (regenerate) fs.writeFileSync(expectedFile, collected);
      expect(JSON.parse(collected)).toEqual(JSON.parse(fs.readFileSync(expectedFile, 'utf8')));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  const example = (node: string) =>
    JSON.parse(fs.readFileSync(path.join(STATES_DIR, `${node}.json`), 'utf8')) as NodeState;

  it.each(DEBIAN_FIXTURE_NODES)('%s: every package, version and status as dpkg-query reads them', (node) => {
    const out = execFileSync(
      'dpkg-query',
      [
        `--admindir=${path.join(fixtureRoot(node), 'var/lib/dpkg')}`,
        '-W',
        '-f',
        '${Package}\t${Architecture}\t${Version}\t${Status}\n',
      ],
      { encoding: 'utf8' },
    );
    const dpkg: Record<string, { version: string; status: string }> = {};
    for (const line of out.split('\n').filter(Boolean)) {
      const [name, arch, version, status] = line.split('\t') as [string, string, string, string];
      // A removed package whose configuration files remain, or one only selected, is not on
      // the node: a state records the packages whose files are there, interrupted ones included.
      if (/ (config-files|not-installed)$/.test(status)) continue;
      dpkg[`${name}:${arch}`] = { version, status };
    }
    const items = example(node).packages!.items;
    expect(Object.keys(items).sort()).toEqual(Object.keys(dpkg).sort());
    for (const [key, item] of Object.entries(items))
      expect({ key, version: item.version, status: item.status }).toEqual({ key, ...dpkg[key] });
  });

  it.each(FIXTURE_NODES)("%s: every live sysctl is the fixture's proc/sys file", (node) => {
    // sysctl(8)'s names: path components joined by `.`, a `.` inside one written `/` (eth0.100).
    const proc = path.join(fixtureRoot(node), 'proc/sys');
    const files: Record<string, string> = {};
    for (const entry of fs.readdirSync(proc, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const relative = path.relative(proc, path.join(entry.parentPath, entry.name));
      const key = relative
        .split(path.sep)
        .map((part) => part.replaceAll('.', '/'))
        .join('.');
      if (changesByItself(key)) continue;
      // One value per key: lines and runs of blanks become one space (as in sysctls-procps.test.ts).
      files[key] = fs.readFileSync(path.join(proc, relative), 'utf8').trim().replace(/\s+/g, ' ');
    }
    expect(Object.keys(files).length).toBeGreaterThan(500);
    expect(example(node).sysctls!.live).toEqual(files);
  });

  it('writes the state to stdout without --out, and nothing else there', () => {
    const result = runCli(['collect', '--root', 'test/fixtures/nodes/debian12-clean'], {
      env: { DRIFTGUARD_NOW: EXAMPLE_TIME },
    });
    expect(result.code).toBe(0);
    const state = JSON.parse(result.stdout);
    expect(state.node).toBe('debian12-clean'); // the fixture's own hostname
    expect(state.collectedAt).toBe(EXAMPLE_TIME);
  });

  it('records a failing collector in errors and still reports the rest', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-empty-'));
    fs.mkdirSync(path.join(root, 'etc'));
    fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\n');
    const result = runCli(['collect', '--root', root, '--node', 'bare']);
    expect(result.code).toBe(0);
    const state = JSON.parse(result.stdout);
    expect(state.users.users.root.uid).toBe(0);
    expect(state.errors.map((e: { collector: string }) => e.collector)).toContain('packages');
    expect(result.stderr).toContain('warning: packages:');
  });

  it('--out into a folder that does not exist yet makes it; one it cannot write is a clear error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-out-'));
    try {
      const out = path.join(dir, 'new', 'folder', 'pypi-1.json');
      const made = runCli([
        'collect',
        '--root',
        'test/fixtures/nodes/pypi-1',
        '--node',
        'pypi-1',
        '--out',
        out,
      ]);
      expect(made.code).toBe(0);
      expect(JSON.parse(fs.readFileSync(out, 'utf8')).node).toBe('pypi-1');
      const refused = runCli([
        'collect',
        '--root',
        'test/fixtures/nodes/pypi-1',
        '--out',
        '/proc/pypi-1.json',
      ]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^driftguard: error: cannot write \/proc\/pypi-1\.json: /);
      expect(refused.stderr).not.toContain('    at '); // no stack trace for a person's mistake
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown option with exit code 2', () => {
    const result = runCli(['collect', '--rot', '/']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--rot'");
  });
});
