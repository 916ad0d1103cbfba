import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FixtureCommandRunner } from '../command-runner';
import { DiskRootFs } from '../root-fs';
import { collectUnits, collectUnitsSync } from './collect';
import { unitsCollector } from './index';
import { FIXTURE_NODES_DIR as NODES } from '../../../test/helpers/fixture-nodes';

const node = (name: string) => collectUnitsSync(new DiskRootFs(path.join(NODES, name)));

describe('units of the fixture nodes', () => {
  const pypi1 = node('pypi-1');
  const pypi2 = node('pypi-2');

  it('has the boot hang on both PyPI nodes: srv-pypi.mount required by local-fs.target, needing dev-drbd0.device', () => {
    for (const state of [pypi1, pypi2]) {
      const mount = state.items['srv-pypi.mount'];
      expect(mount).toMatchObject({
        generatedBy: 'systemd-fstab-generator',
        enablement: 'generated',
        fstabLine: 17,
        requiredByLinks: ['local-fs.target'],
        before: ['local-fs.target'],
        mount: { what: '/dev/drbd0', where: '/srv/pypi', type: 'ext4' },
      });
      expect(mount?.path).toBeUndefined();
      expect(mount?.implicit?.requires).toEqual(['dev-drbd0.device']);
      expect(state.items['local-fs.target']?.requires).toContain('srv-pypi.mount');
      // drbd.service is what creates /dev/drbd0, and it is ordered after the network, i.e. after local-fs.
      expect(state.items['drbd.service']).toMatchObject({
        enablement: 'enabled',
        after: expect.arrayContaining(['network-online.target']),
      });
    }
  });

  it('shows what the secondary lacks: pypissh.service', () => {
    expect(pypi1.items['pypissh.service']).toMatchObject({
      enablement: 'enabled',
      wantedByLinks: ['multi-user.target'],
      requires: ['srv-pypi.mount'],
    });
    expect(pypi2.items['pypissh.service']).toBeUndefined();
  });

  it('applies drop-ins and keeps [Install] and links apart', () => {
    expect(pypi1.items['pypi-web.service']).toMatchObject({
      path: '/etc/systemd/system/pypi-web.service',
      after: ['network.target'],
      wantedBy: ['multi-user.target'],
      wantedByLinks: ['multi-user.target'],
      dropIns: ['/etc/systemd/system/pypi-web.service.d/10-limits.conf'],
      enablement: 'enabled',
    });
    expect(pypi2.items['pypi-web.service']?.dropIns).toEqual([]);
    // Debian's rc-local.service ships a drop-in; user-.slice.d is a prefix drop-in for user-UID.slice.
    expect(pypi1.items['rc-local.service']?.dropIns).toEqual([
      '/usr/lib/systemd/system/rc-local.service.d/debian.conf',
    ]);
    expect(pypi1.items['rc-local.service']?.after).toEqual(expect.arrayContaining(['network-online.target']));
  });

  it('reports aliases, masks, templates, instances and the default target', () => {
    expect(pypi1.items['sshd.service']).toMatchObject({
      aliasOf: 'ssh.service',
      enablement: 'alias',
      path: '/etc/systemd/system/sshd.service',
    });
    expect(pypi1.items['hwclock.service']).toMatchObject({ masked: true, enablement: 'masked', after: [] });
    expect(pypi1.items['getty@.service']?.enablement).toBe('enabled');
    expect(pypi1.items['getty@tty1.service']).toMatchObject({
      wantedByLinks: ['getty.target'],
      path: '/usr/lib/systemd/system/getty@.service',
    });
    expect(pypi1.defaultTarget).toBe('graphical.target');
    expect(node('rpm-el9').defaultTarget).toBe('multi-user.target');
  });

  it('fills activeState only where systemd runs and systemctl answered', async () => {
    const withStates = await collectUnits(
      new DiskRootFs(path.join(NODES, 'pypi-2')),
      new FixtureCommandRunner(path.join(NODES, 'pypi-2')),
    );
    expect(withStates.items['pypi-web.service']?.activeState).toBe('failed');
    expect(withStates.items['srv-pypi.mount']?.activeState).toBe('inactive');
    const clean = path.join(NODES, 'debian12-clean');
    const without = await unitsCollector.collect({
      fs: new DiskRootFs(clean),
      run: new FixtureCommandRunner(clean),
      watchPaths: [],
    });
    expect(Object.values(without.items).some((item) => item.activeState !== undefined)).toBe(false);
  });
});

describe('units on a made-up tree', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-units-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  function link(file: string, target: string): void {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.symlinkSync(target, path.join(root, file));
  }
  const VENDOR = 'usr/lib/systemd/system';

  it('merges drop-ins by basename with precedence, prefix and type-level ones, in basename order', () => {
    write(`${VENDOR}/foo-bar-baz.service`, '[Unit]\nAfter=a.service\n[Service]\nExecStart=/bin/true\n');
    write(`${VENDOR}/foo-bar-baz.service.d/30-vendor.conf`, '[Unit]\nAfter=vendor.service\n');
    write(`etc/systemd/system/foo-bar-baz.service.d/30-vendor.conf`, '[Unit]\nAfter=etc-override.service\n');
    write(`${VENDOR}/foo-.service.d/20-prefix.conf`, '[Unit]\nWants=prefix.service\n');
    write(`etc/systemd/system/service.d/10-type.conf`, '[Unit]\nBefore=type.target\n');
    write(
      `run/systemd/system/foo-bar-baz.service.d/40-runtime.conf`,
      '[Unit]\nAfter=\nDefaultDependencies=no\n',
    );
    const item = collectUnitsSync(new DiskRootFs(root)).items['foo-bar-baz.service'];
    expect(item?.dropIns).toEqual([
      '/etc/systemd/system/service.d/10-type.conf',
      '/usr/lib/systemd/system/foo-.service.d/20-prefix.conf',
      '/etc/systemd/system/foo-bar-baz.service.d/30-vendor.conf',
      '/run/systemd/system/foo-bar-baz.service.d/40-runtime.conf',
    ]);
    // An empty After= does not remove dependencies: systemd cannot drop one once added.
    expect(item?.after).toEqual(['a.service', 'etc-override.service']);
    expect(item?.wants).toEqual(['prefix.service']);
    expect(item?.before).toEqual(['type.target']);
    expect(item?.defaultDependencies).toBe(false);
  });

  it('lets an /etc unit override a generated mount, and masks by empty file or /dev/null', () => {
    write('etc/fstab', '/dev/drbd0 /srv/pypi ext4 defaults 0 2\n');
    write('etc/systemd/system/srv-pypi.mount', '[Mount]\nWhat=/dev/drbd0\nWhere=/srv/pypi\n');
    write(`${VENDOR}/empty.service`, '');
    link('etc/systemd/system/masked.service', '/dev/null');
    write(`${VENDOR}/masked.service`, '[Unit]\nAfter=x.service\n');
    const items = collectUnitsSync(new DiskRootFs(root)).items;
    expect(items['srv-pypi.mount']).toMatchObject({
      path: '/etc/systemd/system/srv-pypi.mount',
      requiredByLinks: ['local-fs.target'],
    });
    expect(items['srv-pypi.mount']?.generatedBy).toBeUndefined();
    expect(items['empty.service']).toMatchObject({ masked: true, enablement: 'masked' });
    expect(items['masked.service']).toMatchObject({ masked: true, enablement: 'masked', after: [] });
  });

  it('reads [Install] with reset on empty values, and resolves instance specifiers', () => {
    write(
      `${VENDOR}/app@.service`,
      '[Unit]\nRequires=data@%i.mount\nAfter=data@%i.mount\n[Install]\nWantedBy=old.target\nWantedBy=\nWantedBy=multi-user.target\n',
    );
    link('etc/systemd/system/multi-user.target.wants/app@one.service', `/${VENDOR}/app@.service`);
    const items = collectUnitsSync(new DiskRootFs(root)).items;
    expect(items['app@.service']).toMatchObject({ wantedBy: ['multi-user.target'], enablement: 'indirect' });
    expect(items['app@one.service']).toMatchObject({
      requires: ['data@one.mount'],
      wantedByLinks: ['multi-user.target'],
      enablement: 'enabled',
    });
  });
});
