/**
 * failover-at-boot: a failover mount must not be started by the boot. systemd-fstab-generator(8)
 * links a line without noauto into local-fs.target's `.requires/` (`.wants/` with nofail), or
 * links its automount instead with x-systemd.automount; any unit the boot starts that has
 * Requires=/Wants=/BindsTo= on the mount starts it too (systemd.unit(5)); Requisite= starts nothing.
 */
import type { UnitInfo } from '../../model/state';
import type { RoleSpec } from '../../model/desired';
import { bootContext, bootUnits, debianTargets, fstabMount } from '../../../test/helpers/boot-units';
import { fstab, mountRule, spec, unit, units } from '../../../test/helpers/states';
import { failoverAtBoot } from './failover-at-boot';
import type { BootContext } from './finding';

function node(options: string, extra: UnitInfo[] = [], mount: Partial<UnitInfo> = {}): BootContext {
  const entry = fstab(17, '/dev/drbd0', '/srv/pypi', 'ext4', options);
  return bootContext(bootUnits({ ...fstabMount(entry), ...mount }, ...extra), {
    mounts: { fstab: [entry], live: [] },
  });
}

function enabled(name: string, extra: Partial<UnitInfo>): UnitInfo {
  return unit(name, { path: `/etc/systemd/system/${name}`, wantedByLinks: ['multi-user.target'], ...extra });
}

const MESSAGE =
  '/srv/pypi is a failover mount, for the cluster manager to mount on the primary only, but the boot mounts it: ';
const TO_LOCAL_FS =
  'multi-user.target → Requires basic.target → Requires sysinit.target → Wants local-fs.target';

describe('failoverAtBoot', () => {
  let failover: RoleSpec;
  beforeEach(() => {
    failover = spec({ mounts: { '/srv/pypi': mountRule({ failover: true }) } });
  });

  it('finds a failover line without noauto, whole: local-fs.target requires it', () => {
    expect(failoverAtBoot(node('defaults'), failover)).toEqual([
      {
        category: 'mounts',
        key: '/srv/pypi',
        kind: 'unsafe',
        severity: 'error',
        node: 'pypi-1',
        aspect: 'failover-at-boot',
        message: `${MESSAGE}local-fs.target requires it because /etc/fstab line 17 has no noauto.`,
        evidence: [
          '/etc/fstab:17: /dev/drbd0 /srv/pypi ext4 defaults 0 2',
          `${TO_LOCAL_FS} → Requires srv-pypi.mount (link local-fs.target.requires/)`,
        ],
        expected: 'not mounted at boot',
        actual: 'mounted at boot',
      },
    ]);
  });

  it('finds it with nofail too: local-fs.target wants it', () => {
    const [finding] = failoverAtBoot(node('nofail'), failover);
    expect(finding?.message).toBe(
      `${MESSAGE}local-fs.target wants it because /etc/fstab line 17 has no noauto.`,
    );
    expect(finding?.evidence).toEqual([
      '/etc/fstab:17: /dev/drbd0 /srv/pypi ext4 nofail 0 2',
      `${TO_LOCAL_FS} → Wants srv-pypi.mount (link local-fs.target.wants/)`,
    ]);
  });

  it('passes noauto (also with nofail, also where the last of auto/noauto is noauto)', () => {
    expect(failoverAtBoot(node('noauto'), failover)).toEqual([]);
    expect(failoverAtBoot(node('noauto,nofail'), failover)).toEqual([]);
    expect(failoverAtBoot(node('auto,noauto'), failover)).toEqual([]);
  });

  it('finds auto after noauto: the last one wins', () => {
    expect(failoverAtBoot(node('noauto,auto'), failover).map((f) => f.key)).toEqual(['/srv/pypi']);
  });

  it('leaves mounts that are not failover mounts, and failover mounts the node has no unit for', () => {
    const plain = spec({ mounts: { '/srv/pypi': mountRule({ failover: false }) } });
    expect(failoverAtBoot(node('defaults'), plain)).toEqual([]);
    const elsewhere = spec({ mounts: { '/srv/other': mountRule({ failover: true }) } });
    expect(failoverAtBoot(node('defaults'), elsewhere)).toEqual([]);
  });

  it('names a service the boot starts that Requires= or Wants= the mount, even with noauto', () => {
    const requires = enabled('pypissh.service', { requires: ['srv-pypi.mount'], after: ['srv-pypi.mount'] });
    const [finding] = failoverAtBoot(node('noauto', [requires]), failover);
    expect(finding?.message).toBe(`${MESSAGE}pypissh.service requires it.`);
    expect(finding?.evidence).toEqual([
      '/etc/fstab:17: /dev/drbd0 /srv/pypi ext4 noauto 0 2',
      'multi-user.target → Wants pypissh.service (link multi-user.target.wants/) → Requires srv-pypi.mount',
    ]);
    const wants = enabled('pypissh.service', { wants: ['srv-pypi.mount'] });
    expect(failoverAtBoot(node('noauto', [wants]), failover)[0]?.message).toBe(
      `${MESSAGE}pypissh.service wants it.`,
    );
    const binds = enabled('pypissh.service', { bindsTo: ['srv-pypi.mount'] });
    expect(failoverAtBoot(node('noauto', [binds]), failover)[0]?.message).toBe(
      `${MESSAGE}pypissh.service requires it.`,
    );
  });

  it('does not count a service the boot does not start, nor Requisite=, which starts nothing', () => {
    const idle = unit('pypissh.service', { requires: ['srv-pypi.mount'] });
    expect(failoverAtBoot(node('noauto', [idle]), failover)).toEqual([]);
    const requisite = enabled('pypissh.service', { requisite: ['srv-pypi.mount'] });
    expect(failoverAtBoot(node('noauto', [requisite]), failover)).toEqual([]);
    // Started by its fstab line, the mount is still not started by the Requisite=.
    expect(failoverAtBoot(node('defaults', [requisite]), failover)[0]?.message).toBe(
      `${MESSAGE}local-fs.target requires it because /etc/fstab line 17 has no noauto.`,
    );
  });

  it('names every way, the fstab link first', () => {
    const requires = enabled('pypissh.service', { requires: ['srv-pypi.mount'] });
    const [finding] = failoverAtBoot(node('defaults', [requires]), failover);
    expect(finding?.message).toBe(
      `${MESSAGE}local-fs.target requires it because /etc/fstab line 17 has no noauto; pypissh.service requires it.`,
    );
    expect(finding?.evidence).toEqual([
      '/etc/fstab:17: /dev/drbd0 /srv/pypi ext4 defaults 0 2',
      `${TO_LOCAL_FS} → Requires srv-pypi.mount (link local-fs.target.requires/)`,
      'multi-user.target → Wants pypissh.service (link multi-user.target.wants/) → Requires srv-pypi.mount',
    ]);
  });

  it("names the services that pull the mount in in the order of the node's unit table", () => {
    const requires = enabled('pypissh.service', { requires: ['srv-pypi.mount'] });
    const wants = enabled('pypi-web.service', { wants: ['srv-pypi.mount'] });
    const [finding] = failoverAtBoot(node('noauto', [requires, wants]), failover);
    expect(finding?.message).toBe(`${MESSAGE}pypissh.service requires it; pypi-web.service wants it.`);
    expect(finding?.evidence).toEqual([
      '/etc/fstab:17: /dev/drbd0 /srv/pypi ext4 noauto 0 2',
      'multi-user.target → Wants pypissh.service (link multi-user.target.wants/) → Requires srv-pypi.mount',
      'multi-user.target → Wants pypi-web.service (link multi-user.target.wants/) → Wants srv-pypi.mount',
    ]);
    const [reversed] = failoverAtBoot(node('noauto', [wants, requires]), failover);
    expect(reversed?.message).toBe(`${MESSAGE}pypi-web.service wants it; pypissh.service requires it.`);
  });

  it('names a link that x-systemd.wanted-by= made with noauto without blaming noauto', () => {
    const [finding] = failoverAtBoot(
      node('noauto,x-systemd.wanted-by=multi-user.target', [], { wantedByLinks: ['multi-user.target'] }),
      failover,
    );
    expect(finding?.message).toBe(`${MESSAGE}multi-user.target wants it.`);
    expect(finding?.evidence?.[1]).toBe(
      'multi-user.target → Wants srv-pypi.mount (link multi-user.target.wants/)',
    );
  });

  it('counts an automount the boot starts as mounting it', () => {
    const automount = unit('srv-pypi.automount', {
      generatedBy: 'systemd-fstab-generator',
      fstabLine: 17,
      requiredByLinks: ['local-fs.target'],
    });
    // x-systemd.automount: the generator links the automount, not the mount.
    const ctx = node('x-systemd.automount', [automount], { requiredByLinks: [] });
    const [finding] = failoverAtBoot(ctx, failover);
    expect(finding?.message).toBe(
      `${MESSAGE}local-fs.target requires srv-pypi.automount, which mounts it on first access.`,
    );
    expect(finding?.evidence).toEqual([
      '/etc/fstab:17: /dev/drbd0 /srv/pypi ext4 x-systemd.automount 0 2',
      `${TO_LOCAL_FS} → Requires srv-pypi.automount (link local-fs.target.requires/)`,
    ]);
    // An automount the boot does not start mounts nothing.
    expect(failoverAtBoot(node('noauto', [{ ...automount, requiredByLinks: [] }]), failover)).toEqual([]);
  });
  it('passes a masked mount unit, which cannot be started, even when the boot starts its automount', () => {
    // systemd.unit(5): a masked unit is linked to /dev/null and cannot be started; the automount
    // can only try to start it on first access, which fails.
    const automount = unit('srv-pypi.automount', {
      generatedBy: 'systemd-fstab-generator',
      fstabLine: 17,
      requiredByLinks: ['local-fs.target'],
    });
    const ctx = node('x-systemd.automount', [automount], { requiredByLinks: [], masked: true });
    expect(failoverAtBoot(ctx, failover)).toEqual([]);
  });

  it('finds the automount of a mount point whose name holds ".mount": /srv/pypi.mount is srv-pypi.mount.mount', () => {
    const entry = fstab(17, '/dev/drbd0', '/srv/pypi.mount', 'ext4', 'x-systemd.automount');
    const automount = unit('srv-pypi.mount.automount', {
      generatedBy: 'systemd-fstab-generator',
      fstabLine: 17,
      requiredByLinks: ['local-fs.target'],
    });
    const ctx = bootContext(bootUnits({ ...fstabMount(entry), requiredByLinks: [] }, automount), {
      mounts: { fstab: [entry], live: [] },
    });
    const [finding] = failoverAtBoot(
      ctx,
      spec({ mounts: { '/srv/pypi.mount': mountRule({ failover: true }) } }),
    );
    expect(finding?.message).toBe(
      '/srv/pypi.mount is a failover mount, for the cluster manager to mount on the primary only, but the boot mounts it: local-fs.target requires srv-pypi.mount.automount, which mounts it on first access.',
    );
  });

  it('finds a mount unit that comes first in the unit table', () => {
    const entry = fstab(17, '/dev/drbd0', '/srv/pypi', 'ext4', 'defaults');
    const table = units(fstabMount(entry), ...debianTargets());
    table.defaultTarget = 'multi-user.target';
    const ctx = bootContext(table, { mounts: { fstab: [entry], live: [] } });
    expect(ctx.graph.id('srv-pypi.mount')).toBe(0);
    expect(failoverAtBoot(ctx, failover).map((finding) => finding.message)).toEqual([
      `${MESSAGE}local-fs.target requires it because /etc/fstab line 17 has no noauto.`,
    ]);
  });
});
