import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PackagesState } from '../../model/state';
import { DriftguardError } from '../../shared/errors';
import { compareDebianVersions } from '../../versions';
import type { CommandRunner } from '../command-runner';
import { commandRunnerFor } from '../command-runner';
import { DiskRootFs } from '../root-fs';
import type { CollectContext } from '../types';
import { packagesCollector } from './index';
import { DEBIAN_FIXTURE_NODES, FIXTURE_NODES_DIR as NODES } from '../../../test/helpers/fixture-nodes';
import { expectRockyVersions } from '../../../test/helpers/rocky-packages';

function context(root: string, run: CommandRunner = commandRunnerFor(root)): CollectContext {
  return { fs: new DiskRootFs(root), run, watchPaths: [] };
}

const collectNode = (name: string): Promise<PackagesState> =>
  packagesCollector.collect(context(path.join(NODES, name)));

async function failureOf(promise: Promise<unknown>): Promise<DriftguardError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DriftguardError) return err;
    throw err;
  }
  throw new Error('expected the collector to fail');
}

describe('packages collector on the fixture nodes', () => {
  it('debian12-clean: a healthy dpkg node, nothing flagged', async () => {
    const state = await collectNode('debian12-clean');
    expect(state.manager).toBe('dpkg');
    expect(Object.keys(state.items).length).toBeGreaterThanOrEqual(30);
    expect(state.items['openssh-server:amd64']).toMatchObject({
      name: 'openssh-server',
      status: 'install ok installed',
    });
    expect(state.items['tzdata:all']?.arch).toBe('all');
    expect(Object.values(state.items).filter((entry) => entry.flags)).toEqual([]);
  });

  it('pypi-1 and pypi-2: the secondary lacks pypissh and has older python packages', async () => {
    const [primary, secondary] = await Promise.all([collectNode('pypi-1'), collectNode('pypi-2')]);
    for (const key of ['drbd-utils:amd64', 'python3:amd64', 'openssh-server:amd64']) {
      expect([key, primary.items[key]?.status, secondary.items[key]?.status]).toEqual([
        key,
        'install ok installed',
        'install ok installed',
      ]);
    }
    expect(primary.items['pypissh:all']).toEqual({
      name: 'pypissh',
      arch: 'all',
      version: '1.2.0-1',
      status: 'install ok installed',
    });
    expect(secondary.items['pypissh:all']).toBeUndefined();
    for (const key of ['python3-psycopg2:amd64', 'python3-sqlalchemy:all']) {
      const newer = primary.items[key]?.version as string;
      const older = secondary.items[key]?.version as string;
      expect([key, compareDebianVersions(older, newer)]).toEqual([key, -1]);
    }
  });

  it('dpkg-interrupted: the journal wins over the stale status file', async () => {
    const { items } = await collectNode('dpkg-interrupted');
    const statusFile = fs.readFileSync(path.join(NODES, 'dpkg-interrupted/var/lib/dpkg/status'), 'utf8');
    // Upgraded in the journal: the status file still says the old version.
    expect(statusFile).toContain('Version: 3.0.15-1~deb12u1');
    expect(items['libssl3:amd64']).toMatchObject({
      version: '3.0.19-1~deb12u2',
      status: 'install ok installed',
    });
    expect(items['libssl3:amd64']?.flags).toBeUndefined();
    expect(items['openssl:amd64']).toMatchObject({ version: '3.0.19-1~deb12u2', flags: ['unpacked'] });
    expect(items['tzdata:all']).toMatchObject({
      status: 'install reinstreq half-installed',
      flags: ['half-installed', 'reinst-required'],
    });
    expect(items['man-db:amd64']?.flags).toEqual(['triggers-pending']);
    expect(items['openssh-server:amd64']?.flags).toEqual(['held']);
    // Removed in the journal (only its conffiles are left).
    expect(items['rsyslog:amd64']).toBeUndefined();
    expect(statusFile).toContain('Package: rsyslog');
  });

  it('rpm-el9: the captured rpm query, with epochs and install-only kernels', async () => {
    const state = await collectNode('rpm-el9');
    expect(state.manager).toBe('rpm');
    expectRockyVersions(state.items);
    expect(state.items['kernel-core:x86_64']).toMatchObject({
      version: '5.14.0-427.18.1.el9_4',
      otherVersions: ['5.14.0-427.13.1.el9_4'],
    });
    expect(Object.keys(state.items).some((key) => key.startsWith('gpg-pubkey'))).toBe(false);
  });

  it('every Debian fixture node parses', async () => {
    for (const node of [...DEBIAN_FIXTURE_NODES]) {
      const state = await collectNode(node);
      expect([node, state.manager]).toEqual([node, 'dpkg']);
    }
  });
});

describe('packages collector without a usable database', () => {
  let emptyRoot: string;
  beforeAll(() => {
    emptyRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-packages-'));
  });
  afterAll(() => fs.rmSync(emptyRoot, { recursive: true, force: true }));

  it('says so clearly when neither dpkg nor rpm is there', async () => {
    const error = await failureOf(packagesCollector.collect(context(emptyRoot)));
    expect(error.code).toBe('E_COLLECT');
    expect(error.message).toContain("/var/lib/dpkg/status does not exist and 'rpm' is not available");
  });

  it('reports a failing rpm as a command error with its stderr', async () => {
    const failing: CommandRunner = {
      run: () => Promise.resolve({ code: 1, stdout: '', stderr: 'error: rpmdb open failed\n' }),
    };
    const error = await failureOf(packagesCollector.collect(context(emptyRoot, failing)));
    expect(error.code).toBe('E_COMMAND');
    expect(error.message).toContain('rpmdb open failed');
  });

  it('prefers dpkg when a node has both (a Debian host with the rpm tool installed)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-packages-'));
    try {
      fs.mkdirSync(path.join(root, 'var/lib/dpkg'), { recursive: true });
      fs.writeFileSync(
        path.join(root, 'var/lib/dpkg/status'),
        'Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n',
      );
      const rpm: CommandRunner = {
        run: () => Promise.resolve({ code: 0, stdout: 'b\t0\t1\t1\tnoarch\n', stderr: '' }),
      };
      const state = await packagesCollector.collect(context(root, rpm));
      expect(state).toEqual({
        manager: 'dpkg',
        items: { 'a:all': { name: 'a', arch: 'all', version: '1', status: 'install ok installed' } },
      });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
