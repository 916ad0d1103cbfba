/**
 * The packages collector against the real rpm (Debian package `rpm`, with `rpmbuild`): a small
 * rpm database made for the test (`rpm --initdb`), packages with no files built by rpmbuild and
 * recorded with `rpm -i --justdb`, then read by the collector through the ordinary command
 * runner — the real `rpm -qa --qf …` and its real output, where the unit test
 * (src/collect/packages/collect.test.ts, rpm-el9) replays output captured on a Rocky 9 node.
 * rpm finds the test's database through `~/.rpmmacros` (`%_dbpath`), so HOME points at the
 * test's folder while the collector runs.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalCommandRunner } from '../../src/collect/command-runner';
import { packagesCollector } from '../../src/collect/packages';
import { DiskRootFs } from '../../src/collect/root-fs';
import type { PackagesState } from '../../src/model/state';
import { requireTool } from '../helpers/tools';
import { expectRockyVersions } from '../helpers/rocky-packages';

/** A package with no files; `epoch` and `noarch` only when given. */
const SPEC = `Name: %{pkg}
Version: %{ver}
Release: %{rel}
%{?ep:Epoch: %{ep}}
Summary: a package with no files
License: none
%{?noarch:BuildArch: noarch}
%description
A package with no files, for driftguard's tests.
%files
`;

interface Built {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  noarch?: boolean;
}

const PACKAGES: Built[] = [
  { name: 'bash', version: '5.1.8', release: '9.el9' },
  { name: 'openssl-libs', version: '3.0.7', release: '27.el9', epoch: 1 },
  { name: 'perl-interpreter', version: '5.32.1', release: '481.el9', epoch: 4 },
  { name: 'rocky-release', version: '9.4', release: '1.7.el9', noarch: true },
  // An install-only package: two kernels side by side, as dnf leaves them.
  { name: 'kernel-core', version: '5.14.0', release: '427.13.1.el9_4' },
  { name: 'kernel-core', version: '5.14.0', release: '427.18.1.el9_4' },
];

describe('packages collector on a real rpm database', () => {
  let home: string;
  let root: string;
  let state: PackagesState;

  beforeAll(async () => {
    requireTool(['rpm', '--version'], 'rpm');
    requireTool(['rpmbuild', '--version'], 'rpm');
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-rpm-'));
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-rpm-root-')); // no dpkg database: rpm is asked
    fs.writeFileSync(path.join(home, '.rpmmacros'), `%_dbpath ${home}/rpmdb\n%_topdir ${home}/build\n`);
    fs.writeFileSync(path.join(home, 'empty.spec'), SPEC);
    const env = { ...process.env, HOME: home };
    const rpm = (command: string, args: string[]) =>
      execFileSync(command, args, { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
    rpm('rpm', ['--initdb']);
    for (const p of PACKAGES) {
      const defines = [
        ['pkg', p.name],
        ['ver', p.version],
        ['rel', p.release],
        ...(p.epoch === undefined ? [] : [['ep', String(p.epoch)]]),
        ...(p.noarch ? [['noarch', '1']] : []),
      ].flatMap(([key, value]) => ['--define', `${key} ${value}`]);
      rpm('rpmbuild', ['-bb', '--quiet', ...defines, 'empty.spec']);
    }
    const built = fs
      .readdirSync(path.join(home, 'build/RPMS'), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.rpm'))
      .map((file) => path.join(home, 'build/RPMS', file));
    expect(built).toHaveLength(PACKAGES.length);
    rpm('rpm', ['-i', '--justdb', '--nodeps', ...built]);

    const savedHome = process.env.HOME;
    process.env.HOME = home;
    try {
      state = await packagesCollector.collect({
        fs: new DiskRootFs(root),
        run: new LocalCommandRunner(),
        watchPaths: [],
      });
    } finally {
      process.env.HOME = savedHome;
    }
  }, 120_000);

  afterAll(() => {
    for (const dir of [home, root]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the database with rpm', () => {
    expect(state.manager).toBe('rpm');
    expect(Object.keys(state.items).sort()).toEqual([
      'bash:x86_64',
      'kernel-core:x86_64',
      'openssl-libs:x86_64',
      'perl-interpreter:x86_64',
      'rocky-release:noarch',
    ]);
  });

  it('writes versions as EPOCH:VERSION-RELEASE, the epoch only when there is one', () => {
    expectRockyVersions(state.items);
  });

  it('keeps the newest of an install-only package and lists the others', () => {
    expect(state.items['kernel-core:x86_64']).toMatchObject({
      version: '5.14.0-427.18.1.el9_4',
      otherVersions: ['5.14.0-427.13.1.el9_4'],
    });
  });
});
