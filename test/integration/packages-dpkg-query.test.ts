/**
 * Differential test: the packages collector against dpkg's own reader, `dpkg-query` (Debian
 * package `dpkg`). Fails — never skips — when dpkg-query is missing.
 *
 * dpkg-query applies var/lib/dpkg/updates/ exactly like dpkg does, so agreeing with it on the
 * fixture nodes (and on journals built here) checks the journal handling; agreeing on this
 * host checks the parser on a real, large status file.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalCommandRunner, FixtureCommandRunner } from '../../src/collect/command-runner';
import { packagesCollector } from '../../src/collect/packages';
import { DiskRootFs } from '../../src/collect/root-fs';
import type { PackagesState } from '../../src/model/state';
import { requireTool } from '../helpers/tools';
import { DEBIAN_FIXTURE_NODES, FIXTURE_NODES_DIR as NODES } from '../helpers/fixture-nodes';

const DEBIAN_NODES = [...DEBIAN_FIXTURE_NODES];

/**
 * The states a NodeState keeps (everything with files on disk), decided here from dpkg-query's
 * own status field — not with the collector's code.
 */
const KEPT_STATES = new Set([
  'installed',
  'half-installed',
  'unpacked',
  'half-configured',
  'triggers-awaited',
  'triggers-pending',
]);

/** `name:arch version status` for each kept package, as dpkg-query sees the database. */
function dpkgQueryRows(admindir?: string): string[] {
  const args = [
    ...(admindir ? [`--admindir=${admindir}`] : []),
    '-W',
    '-f=${Package}\\t${Architecture}\\t${Version}\\t${Status}\\n',
  ];
  const output = execFileSync('dpkg-query', args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'))
    .filter(([, , , status]) => KEPT_STATES.has((status ?? '').split(' ')[2] ?? ''))
    .map(([name, arch, version, status]) => `${name}:${arch} ${version} ${status}`)
    .sort();
}

function collectedRows(state: PackagesState): string[] {
  return Object.entries(state.items)
    .map(([key, entry]) => `${key} ${entry.version} ${entry.status}`)
    .sort();
}

async function collectRoot(root: string): Promise<PackagesState> {
  const run = root === '/' ? new LocalCommandRunner() : new FixtureCommandRunner(root);
  return packagesCollector.collect({ fs: new DiskRootFs(root), run, watchPaths: [] });
}

beforeAll(() => {
  requireTool(['dpkg-query', '--version'], 'dpkg');
});

test('this host: the collected packages are exactly what dpkg-query lists', async () => {
  // Another process may install a package meanwhile: compare against a dpkg-query answer that
  // did not change across the collection.
  let before = dpkgQueryRows();
  let state = await collectRoot('/');
  let after = dpkgQueryRows();
  if (before.join('\n') !== after.join('\n')) {
    before = after;
    state = await collectRoot('/');
    after = dpkgQueryRows();
  }
  expect(after).toEqual(before);
  expect(state.manager).toBe('dpkg');
  expect(collectedRows(state)).toEqual(after);
  expect(after.length).toBeGreaterThan(100);
});

test.each(DEBIAN_NODES)('fixture %s: collected packages equal dpkg-query --admindir', async (node) => {
  const admindir = path.join(NODES, node, 'var/lib/dpkg');
  const expected = dpkgQueryRows(admindir);
  const state = await collectRoot(path.join(NODES, node));
  expect(collectedRows(state)).toEqual(expected);
  expect(expected.length).toBeGreaterThanOrEqual(30);
});

test('fixture dpkg-interrupted really exercises the journal', () => {
  // If the journal were ignored, dpkg-query would answer differently: proves the fixture tests something.
  const admindir = path.join(NODES, 'dpkg-interrupted/var/lib/dpkg');
  const withoutJournal = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-dpkg-'));
  try {
    fs.copyFileSync(path.join(admindir, 'status'), path.join(withoutJournal, 'status'));
    fs.mkdirSync(path.join(withoutJournal, 'updates'));
    expect(dpkgQueryRows(withoutJournal)).not.toEqual(dpkgQueryRows(admindir));
  } finally {
    fs.rmSync(withoutJournal, { recursive: true, force: true });
  }
});

describe('journal edge cases, checked against dpkg-query on databases built here', () => {
  let root: string;

  function stanza(fields: Record<string, string>): string {
    const description =
      'Description: test package\n Package: in a description is not a field.\n .\n Version: 0';
    return Object.entries(fields)
      .map(([name, value]) => `${name}: ${value}`)
      .concat(description)
      .join('\n');
  }

  function writeDatabase(status: string[], journal: Record<string, string[]>): void {
    const admindir = path.join(root, 'var/lib/dpkg');
    fs.rmSync(admindir, { recursive: true, force: true });
    fs.mkdirSync(path.join(admindir, 'updates'), { recursive: true });
    fs.writeFileSync(path.join(admindir, 'status'), status.join('\n\n') + '\n');
    for (const [name, stanzas] of Object.entries(journal)) {
      fs.writeFileSync(path.join(admindir, 'updates', name), stanzas.join('\n\n') + '\n');
    }
  }

  async function expectAgreement(): Promise<string[]> {
    const expected = dpkgQueryRows(path.join(root, 'var/lib/dpkg'));
    expect(collectedRows(await collectRoot(root))).toEqual(expected);
    return expected;
  }

  const pkg = (
    name: string,
    arch: string,
    version: string,
    status = 'install ok installed',
    extra: Record<string, string> = {},
  ): string =>
    stanza({
      Package: name,
      Status: status,
      Priority: 'optional',
      Maintainer: 'Test <t@example.org>',
      Architecture: arch,
      ...extra,
      Version: version,
    });

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-dpkg-journal-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('upgrade, install, removal and purge across two journal files', async () => {
    writeDatabase(
      [pkg('alpha', 'amd64', '1.0-1'), pkg('beta', 'all', '2.0-1'), pkg('gamma', 'amd64', '3.0-1')],
      {
        '0000': [
          pkg('alpha', 'amd64', '1.1-1', 'install ok unpacked'),
          pkg('beta', 'all', '2.0-1', 'deinstall ok config-files'),
          pkg('delta', 'amd64', '4.0-1', 'install ok half-installed'),
        ],
        '0001': [pkg('alpha', 'amd64', '1.1-1'), pkg('gamma', 'amd64', '3.0-1', 'purge ok not-installed')],
      },
    );
    expect(await expectAgreement()).toEqual([
      'alpha:amd64 1.1-1 install ok installed',
      'delta:amd64 4.0-1 install ok half-installed',
    ]);
  });

  test('journal files apply in numeric order, not in the order they were written', async () => {
    writeDatabase([pkg('alpha', 'amd64', '1.0-1')], {
      '0002': [pkg('alpha', 'amd64', '3.0-1')],
      '0001': [pkg('alpha', 'amd64', '2.0-1')],
    });
    expect(await expectAgreement()).toEqual(['alpha:amd64 3.0-1 install ok installed']);
  });

  test('a cross-grade replaces the single installed instance', async () => {
    writeDatabase([pkg('fonts-x', 'amd64', '1.0-1')], { '0000': [pkg('fonts-x', 'all', '1.1-1')] });
    expect(await expectAgreement()).toEqual(['fonts-x:all 1.1-1 install ok installed']);
  });

  test('Multi-Arch: same instances are kept and updated per architecture', async () => {
    const same = { 'Multi-Arch': 'same' };
    writeDatabase([pkg('libfoo1', 'amd64', '1.0-1', undefined, same)], {
      '0000': [pkg('libfoo1', 'i386', '1.0-1', undefined, same)],
      '0001': [pkg('libfoo1', 'i386', '1.0-1', 'deinstall ok config-files', same)],
    });
    expect(await expectAgreement()).toEqual(['libfoo1:amd64 1.0-1 install ok installed']);
  });

  test('held packages and field names in any case', async () => {
    writeDatabase(
      [
        'package: lower\nstatus: hold ok installed\nmaintainer: Test <t@example.org>\narchitecture: amd64\nversion: 1:2.0-3\ndescription: x',
      ],
      {},
    );
    expect(await expectAgreement()).toEqual(['lower:amd64 1:2.0-3 hold ok installed']);
  });
});
