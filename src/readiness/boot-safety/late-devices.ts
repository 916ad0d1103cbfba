/**
 * Block devices that exist only once a service has run — DRBD, iSCSI, multipath, NBD, RBD — and
 * the units that bring each up. Whether such a unit runs before or after local-fs.target is NOT
 * decided here: that comes from the node's own unit graph (boot-hang.ts).
 */
import type { ReplicationState } from '../../model/state';

export type LateDeviceKind = 'DRBD' | 'iSCSI' | 'multipath' | 'NBD' | 'RBD';

export interface LateDevice {
  kind: LateDeviceKind;
  /** The device path the mount names. */
  path: string;
  /** What brings it up, for a person: `DRBD resource r0`, `iSCSI login`. */
  source: string;
  /** Units any one of which brings the device up, in the order they are shown. */
  providers: string[];
  /** How to mount it safely, ending a sentence. */
  advice: string;
}

const DRBD_MINOR = /^\/dev\/drbd(\d+)$/;
const NBD_DEVICE = /^\/dev\/(nbd\d+)(?:p\d+)?$/;
const RBD_DEVICE = /^\/dev\/rbd\d+(?:p\d+)?$/;

/** The DRBD resource that has a volume of this minor. */
function resourceOfMinor(minor: number, replication: ReplicationState | undefined): string | undefined {
  for (const resource of Object.values(replication?.drbd ?? {})) {
    if (resource.volumes.some((volume) => volume.minor === minor)) return resource.name;
  }
  return undefined;
}

/**
 * The DRBD resource a device path names: by its name (`/dev/drbd/by-res/r0/0`), or by its minor
 * (`/dev/drbd0`) through the node's replication state. Undefined when it cannot be told.
 */
export function drbdResourceOf(path: string, replication: ReplicationState | undefined): string | undefined {
  const minor = DRBD_MINOR.exec(path);
  if (minor) return resourceOfMinor(Number(minor[1]), replication);
  if (!path.startsWith('/dev/drbd/by-res/')) return undefined;
  return path.slice('/dev/drbd/by-res/'.length).split('/')[0] || undefined;
}

function drbd(path: string, resource: string | undefined, otherInstances: readonly string[]): LateDevice {
  const providers = ['drbd.service'];
  if (resource !== undefined) providers.push(`drbd@${resource}.service`, `drbd@${resource}.target`);
  else providers.push(...otherInstances);
  return {
    kind: 'DRBD',
    path,
    source: resource === undefined ? 'DRBD' : `DRBD resource ${resource}`,
    providers,
    advice: `LINBIT advises nofail,x-systemd.requires=drbd@${resource ?? 'RESOURCE'}.target, or noauto when a cluster manager mounts it`,
  };
}

/**
 * The late device a path names, if it is one. `drbdInstances` are the `drbd@X.service/.target`
 * units of the node, the providers when a DRBD device's resource cannot be told.
 */
export function lateDevice(
  path: string,
  replication: ReplicationState | undefined,
  drbdInstances: readonly string[] = [],
): LateDevice | undefined {
  if (DRBD_MINOR.test(path) || path.startsWith('/dev/drbd/'))
    return drbd(path, drbdResourceOf(path, replication), drbdInstances);
  if (path.startsWith('/dev/disk/by-path/ip-') && path.includes('-iscsi-')) {
    return {
      kind: 'iSCSI',
      path,
      source: 'iSCSI login',
      // Debian's open-iscsi.service (alias iscsi.service, the name RHEL's login unit has).
      providers: ['open-iscsi.service', 'iscsi.service'],
      advice:
        'mount it with _netdev (after the iSCSI login, under remote-fs.target) and nofail, or noauto when a cluster manager mounts it',
    };
  }
  if (
    path.startsWith('/dev/mapper/mpath') ||
    path.startsWith('/dev/disk/by-id/dm-uuid-mpath-') ||
    path.startsWith('/dev/disk/by-id/dm-name-mpath')
  ) {
    return {
      kind: 'multipath',
      path,
      source: 'multipath',
      providers: ['multipathd.service'],
      advice: 'enable multipathd.service (Debian orders it before local-fs-pre.target), or add nofail',
    };
  }
  const nbd = NBD_DEVICE.exec(path);
  if (nbd) {
    const name = nbd[1] as string;
    return {
      kind: 'NBD',
      path,
      source: `NBD connection ${name}`,
      providers: [`nbd@${name}.service`, 'nbd-client.service'],
      advice: `mount it with _netdev and enable nbd@${name}.service (ordered before remote-fs-pre.target), or noauto`,
    };
  }
  if (RBD_DEVICE.test(path) || path.startsWith('/dev/rbd/')) {
    return {
      kind: 'RBD',
      path,
      source: 'RBD mapping',
      providers: ['rbdmap.service'],
      advice: 'mount it with _netdev (rbdmap.service maps images before remote-fs-pre.target), or noauto',
    };
  }
  return undefined;
}
