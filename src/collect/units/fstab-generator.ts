/**
 * What systemd-fstab-generator (systemd 252, Debian 12) makes of fstab at boot — pure: entries
 * in, unit files and `.wants/`/`.requires/` links out. The boot hang of the PyPI 2013 incident is
 * visible here: `/dev/drbd0 /srv/pypi ext4 defaults 0 2` becomes `srv-pypi.mount`, required by
 * local-fs.target, ordered before it, and (added by systemd's core, see `implicit`) requiring and
 * ordered after `dev-drbd0.device` — a device that only appears once drbd.service has run, which
 * is after local-fs.target. Checked against the real generator in
 * test/integration/units-fstab-generator.test.ts.
 *
 * Input is fstab as the generator reads it: glibc's getmntent (parsers/getmntent.ts), not
 * libmount — other escapes, CRLF and malformed numbers mean other things there.
 *
 * Modelled (host, not initrd):
 *   - the mount point as the generator canonicalises it on the node (chase_symlinks with
 *     CHASE_NONEXISTENT: symlinks followed, `..` resolved where the path exists, a relative
 *     path taken from `/`), when the caller passes `canonicalize` (the units collector does,
 *     through the node's RootFs);
 *   - mount units: name from the mount point (`systemd-escape --path --suffix=mount`; names of
 *     256 bytes or more hashed as systemd does), What=
 *     (LABEL=/UUID=/PARTUUID=/PARTLABEL= → /dev/disk/by-*), Where= (simplified), Type= (unless
 *     empty or `auto`), Options= (without x-systemd.device-timeout; none for `defaults`);
 *   - target: remote-fs.target for `_netdev` or a network file system type, else local-fs.target;
 *     `Before=` that target unless nofail; the link: `requires` (or `wants` with nofail) unless
 *     noauto; `x-systemd.wanted-by=`/`required-by=` replace that link;
 *   - `x-systemd.requires=` (After+Requires), `after=`, `before=`, `requires-mounts-for=`;
 *   - fsck: passno ≠ 0 on a device with an fsck helper → `Requires=`+`After=systemd-fsck@DEV.service`
 *     (for `/`: systemd-fsck-root.service linked into local-fs.target.wants);
 *   - `After=blockdev@DEV.target` for /dev/ sources;
 *   - NFS `bg` → converted as systemd does (nofail, x-systemd.mount-timeout=infinity, retry=10000, fg);
 *   - `x-systemd.automount`: an .automount unit linked instead of the mount;
 *   - swap entries: `.swap` units linked into swap.target;
 *   - `/` ignores noauto/nofail/automount/wanted-by/required-by; API mount points (/proc, /dev/shm,
 *     /run, /sys/fs/cgroup/… ), the ones mount_point_ignore() lists (/proc/sys, /run/host/…) and
 *     `autofs` entries are skipped; a mount point without a `/` is not a path and is skipped; a
 *     second entry for the same unit is skipped (the generator refuses to overwrite);
 *   - local-fs.target.wants/systemd-remount-fs.service, which the 252 generator always links.
 * Not modelled (documented gaps): x-systemd.makefs/growfs/rw-only, directory modes, the drop-ins it
 * writes for device units (device-timeout, _netdev), kernel command line (fstab=, root=),
 * initrd behaviour, and skipping device mounts when /sys is read-only (containers).
 */
import type { UnitDependencies } from '../../model/state';
import { splitSystemdOptions } from '../parsers/fstab';
import type { MntEntry } from '../parsers/getmntent';
import { normaliseTimespan } from './timespan';
import type { UnitAssignment } from './unit-file';
import { parseUnitFile } from './unit-file';
import {
  escapeUnitNamePart,
  isDevicePath,
  mangleUnitName,
  simplifyPath,
  unitNameFromPath,
} from './unit-name';

export const FSTAB_GENERATOR = 'systemd-fstab-generator';

type ImplicitDependencies = Partial<
  Pick<UnitDependencies, 'after' | 'before' | 'requires' | 'wants' | 'bindsTo' | 'conflicts'>
>;

export interface GeneratedUnitFile {
  name: string;
  type: 'mount' | 'swap' | 'automount';
  fstabLine: number;
  /** The unit file as the generator writes it, one assignment per line (line numbers are 0). */
  assignments: UnitAssignment[];
  mount?: { what: string; where: string; type?: string; options?: string };
  /** What systemd's core adds when it loads the unit (see UnitInfo.implicit). */
  implicit?: ImplicitDependencies;
}

export interface GeneratedLink {
  /** The unit whose `.wants/` or `.requires/` directory gets the link (`local-fs.target`). */
  target: string;
  kind: 'wants' | 'requires';
  unit: string;
}

export interface FstabGeneratorResult {
  units: GeneratedUnitFile[];
  links: GeneratedLink[];
  /** Entries the generator ignores, with why. */
  skipped: { line: number; reason: string }[];
}

export interface FstabGeneratorOptions {
  /** Does the node have `fsck.TYPE`? The generator skips the fsck dependency when it does not. */
  fsckExists?: (fstype: string) => boolean;
  /**
   * The mount point as chase_symlinks() leaves it on the node (chase.ts); default: as written,
   * made absolute from `/` (the generator's working directory at boot).
   */
  canonicalize?: (where: string) => string;
  /** SourcePath= written into every unit. */
  sourcePath?: string;
}

/** fstype_is_network() of systemd 252. */
const NETWORK_FS_TYPES = new Set([
  'afs',
  'ceph',
  'cifs',
  'smb3',
  'smbfs',
  'sshfs',
  'ncpfs',
  'ncp',
  'nfs',
  'nfs4',
  'gfs',
  'gfs2',
  'glusterfs',
  'gluster',
  'pvfs2',
  'ocfs2',
  'lustre',
  'davfs',
]);

export function isNetworkFsType(fstype: string): boolean {
  return NETWORK_FS_TYPES.has(fstype.startsWith('fuse.') ? fstype.slice(5) : fstype);
}

/** systemd's mount_is_network(): `_netdev` among the options, or a network file system type. */
export function isNetworkMount(optionWords: readonly string[], fstype: string): boolean {
  return optionWords.includes('_netdev') || isNetworkFsType(fstype);
}

/** mount_point_is_api() + mount_point_ignore(): mount points systemd sets up itself or leaves alone. */
const API_MOUNT_POINTS = new Set([
  '/proc/sys',
  '/run/host',
  '/sys/kernel/security',
  '/proc',
  '/sys',
  '/dev',
  '/dev/shm',
  '/dev/pts',
  '/run',
  '/run/lock',
  '/sys/fs/cgroup',
  '/sys/fs/pstore',
  '/sys/firmware/efi/efivars',
  '/sys/fs/bpf',
  '/sys/fs/selinux',
  '/dev/console',
  '/proc/kmsg',
]);

function isIgnoredMountPoint(where: string): boolean {
  return API_MOUNT_POINTS.has(where) || where.startsWith('/sys/fs/cgroup/') || where.startsWith('/run/host/');
}

/** fstab_node_to_udev_node(): `LABEL=x` → `/dev/disk/by-label/x` (udev-escaped). */
export function fstabSpecToNode(spec: string): string {
  const tags: [string, string][] = [
    ['LABEL=', 'by-label'],
    ['UUID=', 'by-uuid'],
    ['PARTUUID=', 'by-partuuid'],
    ['PARTLABEL=', 'by-partlabel'],
  ];
  for (const [tag, dir] of tags) {
    if (!spec.startsWith(tag)) continue;
    let value = spec.slice(tag.length);
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0] as string))
      value = value.slice(1, -1);
    return `/dev/disk/${dir}/${encodeDevnodeName(value)}`;
  }
  return spec;
}

/** udev's encode_devnode_name(): keeps `[A-Za-z0-9#+-.:=@_]` and UTF-8, escapes the rest as \xNN. */
function encodeDevnodeName(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (code >= 0x80 || /[A-Za-z0-9#+\-.:=@_]/.test(ch)) out += ch;
    else out += `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** fstab_filter_options(): every value of `name=` in order, systemd's splitting. */
function optionValues(words: readonly string[], ...names: string[]): string[] {
  const values: string[] = [];
  for (const word of words) {
    for (const name of names) {
      if (word.length > name.length && word.startsWith(name) && word[name.length] === '=')
        values.push(word.slice(name.length + 1));
    }
  }
  return values;
}

function hasOption(words: readonly string[], ...names: string[]): boolean {
  return words.some((word) => names.includes(word));
}

/** fstab_test_yes_no_option(): the last of `yes`/`no` wins; undefined when neither is given. */
function lastOf(words: readonly string[], yes: string, no: string): boolean | undefined {
  let result: boolean | undefined;
  for (const word of words) {
    if (word === yes) result = true;
    else if (word === no) result = false;
  }
  return result;
}

/** The option string with x-systemd.device-timeout removed (the generator moves it to the device). */
function filterDeviceTimeout(options: string): string {
  if (!options.includes('device-timeout')) return options;
  return splitSystemdOptions(options)
    .filter((word) => !/^(x-systemd|comment=systemd)\.device-timeout(=|$)/.test(word))
    .map((word) => word.replace(/,/g, '\\,'))
    .join(',');
}

function assign(out: UnitAssignment[], section: string, key: string, value: string): void {
  out.push({ section, key, value, line: 0 });
}

function mangledAll(values: readonly string[]): string[] {
  const names: string[] = [];
  for (const value of values) {
    const name = mangleUnitName(value, '.mount');
    if (name !== undefined) names.push(name);
  }
  return names;
}

/** The unit-section lines for x-systemd.requires/before/after/requires-mounts-for. */
function writeExtraDependencies(out: UnitAssignment[], words: readonly string[]): void {
  const requires = mangledAll(optionValues(words, 'x-systemd.requires'));
  if (requires.length > 0) {
    assign(out, 'Unit', 'After', requires.join(' '));
    assign(out, 'Unit', 'Requires', requires.join(' '));
  }
  const before = mangledAll(optionValues(words, 'x-systemd.before'));
  if (before.length > 0) assign(out, 'Unit', 'Before', before.join(' '));
  const after = mangledAll(optionValues(words, 'x-systemd.after'));
  if (after.length > 0) assign(out, 'Unit', 'After', after.join(' '));
  const mountsFor = optionValues(words, 'x-systemd.requires-mounts-for');
  if (mountsFor.length > 0) assign(out, 'Unit', 'RequiresMountsFor', mountsFor.join(' '));
}

function blockdevDependency(out: UnitAssignment[], what: string): void {
  if (!what.startsWith('/dev/')) return;
  assign(out, 'Unit', 'After', `blockdev@${escapeUnitNamePart(simplifyPath(what).slice(1))}.target`);
}

function writeOptions(out: UnitAssignment[], section: string, options: string): string | undefined {
  if (options === '' || options === 'defaults') return undefined;
  assign(out, section, 'Options', options);
  return options;
}

function header(out: UnitAssignment[], sourcePath: string): void {
  assign(out, 'Unit', 'Documentation', 'man:fstab(5) man:systemd-fstab-generator(8)');
  assign(out, 'Unit', 'SourcePath', sourcePath);
}

/** Dependencies systemd's core adds to a mount unit loaded from fstab (mount.c, systemd 252). */
function implicitMountDependencies(
  what: string,
  where: string,
  fstype: string,
  words: readonly string[],
  network: boolean,
  nofail: boolean,
): ImplicitDependencies {
  const implicit: Required<ImplicitDependencies> = {
    after: [],
    before: [],
    requires: [],
    wants: [],
    bindsTo: [],
    conflicts: [],
  };
  const bind = hasOption(words, 'bind', 'rbind');
  if (!bind && isDevicePath(what) && what !== '/dev/root' && what !== '/dev/nfs' && where !== '/') {
    const device = unitNameFromPath(what, '.device');
    if (device !== undefined) {
      // x-systemd.device-bound turns Requires= into BindsTo=; either way the mount waits for the device.
      (hasOption(words, 'x-systemd.device-bound') ? implicit.bindsTo : implicit.requires).push(device);
      implicit.after.push(device);
    }
  }
  const virtualBelow = ['/proc', '/sys', '/dev', '/run/initramfs'].some(
    (prefix) => where === prefix || where.startsWith(`${prefix}/`),
  );
  if (where !== '/' && where !== '/usr' && !virtualBelow) {
    if (network) {
      implicit.after.push('network.target', 'network-online.target', 'remote-fs-pre.target');
      implicit.wants.push('network-online.target');
      if (!nofail) implicit.before.push('remote-fs.target');
    } else {
      implicit.after.push('local-fs-pre.target');
      if (!nofail) implicit.before.push('local-fs.target');
    }
    implicit.before.push('umount.target');
    implicit.conflicts.push('umount.target');
    if (fstype === 'tmpfs') implicit.after.push('swap.target');
  }
  const result: ImplicitDependencies = {};
  for (const [key, list] of Object.entries(implicit) as [keyof ImplicitDependencies, string[]][]) {
    if (list.length > 0) result[key] = list;
  }
  return result;
}

export function simulateFstabGenerator(
  entries: readonly MntEntry[],
  options: FstabGeneratorOptions = {},
): FstabGeneratorResult {
  const canonicalize =
    options.canonicalize ?? ((where: string) => (where.startsWith('/') ? where : `/${where}`));
  const sourcePath = options.sourcePath ?? '/etc/fstab';
  const fsckExists = options.fsckExists ?? (() => true);
  const units: GeneratedUnitFile[] = [];
  const links: GeneratedLink[] = [];
  const skipped: { line: number; reason: string }[] = [];
  const made = new Set<string>();
  const link = (target: string, kind: 'wants' | 'requires', unit: string): void => {
    links.push({ target, kind, unit });
  };
  // The 252 generator always pulls in systemd-remount-fs.service on the host.
  link('local-fs.target', 'wants', 'systemd-remount-fs.service');

  for (const entry of entries) {
    const what = fstabSpecToNode(entry.spec);
    let optionString = entry.optionString;
    let words = splitSystemdOptions(optionString);
    let noauto = lastOf(words, 'noauto', 'auto') === true;
    let nofail = lastOf(words, 'nofail', 'fail') === true;

    if (entry.vfstype === 'swap') {
      const name = unitNameFromPath(what, '.swap');
      if (name === undefined) {
        skipped.push({ line: entry.line, reason: `cannot name a swap unit after ${what}` });
        continue;
      }
      if (made.has(name)) {
        skipped.push({ line: entry.line, reason: `duplicate entry: ${name} already generated` });
        continue;
      }
      made.add(name);
      const assignments: UnitAssignment[] = [];
      header(assignments, sourcePath);
      blockdevDependency(assignments, what);
      assign(assignments, 'Swap', 'What', what);
      writeOptions(assignments, 'Swap', filterDeviceTimeout(optionString));
      units.push({ name, type: 'swap', fstabLine: entry.line, assignments });
      if (!noauto) link('swap.target', nofail ? 'wants' : 'requires', name);
      continue;
    }

    if (entry.vfstype === 'autofs') {
      skipped.push({ line: entry.line, reason: 'autofs entries are left to automount(8)' });
      continue;
    }
    if (!entry.file.includes('/')) {
      skipped.push({ line: entry.line, reason: `mount point ${entry.file} is not a valid path` });
      continue;
    }
    const where = canonicalize(simplifyPath(entry.file));
    if (isIgnoredMountPoint(where)) {
      skipped.push({ line: entry.line, reason: `${where} is an API file system systemd mounts itself` });
      continue;
    }
    const name = unitNameFromPath(where, '.mount');
    if (name === undefined) {
      skipped.push({ line: entry.line, reason: `cannot name a mount unit after ${where}` });
      continue;
    }
    if (made.has(name)) {
      skipped.push({ line: entry.line, reason: `duplicate entry: ${name} already generated` });
      continue;
    }
    made.add(name);

    const network = isNetworkMount(words, entry.vfstype);
    const targetUnit = network ? 'remote-fs.target' : 'local-fs.target';
    let automount = hasOption(words, 'x-systemd.automount', 'comment=systemd.automount');
    let wantedBy = optionValues(words, 'x-systemd.wanted-by');
    let requiredBy = optionValues(words, 'x-systemd.required-by');
    if (where === '/') {
      noauto = false;
      nofail = false;
      automount = false;
      wantedBy = [];
      requiredBy = [];
    }

    const assignments: UnitAssignment[] = [];
    header(assignments, sourcePath);
    if (
      (entry.vfstype === 'nfs' || entry.vfstype === 'nfs4') &&
      !automount &&
      lastOf(words, 'bg', 'fg') === true
    ) {
      // mount.nfs would retry in the background for days; systemd turns that into a nofail mount
      // that never times out instead.
      nofail = true;
      optionString = `x-systemd.mount-timeout=infinity,retry=10000,nofail,${optionString},fg`;
      words = splitSystemdOptions(optionString);
    }
    writeExtraDependencies(assignments, words);
    if (!nofail) assign(assignments, 'Unit', 'Before', targetUnit);
    if (entry.passno !== 0) {
      if (
        isDevicePath(what) &&
        (entry.vfstype === '' || entry.vfstype === 'auto' || fsckExists(entry.vfstype))
      ) {
        if (where === '/') link('local-fs.target', 'wants', 'systemd-fsck-root.service');
        else {
          const fsck = `systemd-fsck@${escapeUnitNamePart(simplifyPath(what).slice(1))}.service`;
          // /usr is checked on a best-effort basis: Wants=, not Requires=.
          assign(assignments, 'Unit', where === '/usr' ? 'Wants' : 'Requires', fsck);
          assign(assignments, 'Unit', 'After', fsck);
        }
      }
    }
    blockdevDependency(assignments, what);
    assign(assignments, 'Mount', 'What', what);
    assign(assignments, 'Mount', 'Where', where);
    const type = entry.vfstype !== '' && entry.vfstype !== 'auto' ? entry.vfstype : undefined;
    if (type !== undefined) assign(assignments, 'Mount', 'Type', type);
    const mountTimeout = optionValues(words, 'x-systemd.mount-timeout').pop();
    const mountTimeoutSpan = mountTimeout === undefined ? undefined : normaliseTimespan(mountTimeout);
    if (mountTimeoutSpan !== undefined) assign(assignments, 'Mount', 'TimeoutSec', mountTimeoutSpan);
    const writtenOptions = writeOptions(assignments, 'Mount', filterDeviceTimeout(optionString));

    const mount: GeneratedUnitFile['mount'] = { what, where };
    if (type !== undefined) mount.type = type;
    if (writtenOptions !== undefined) mount.options = writtenOptions;
    units.push({
      name,
      type: 'mount',
      fstabLine: entry.line,
      assignments,
      mount,
      implicit: implicitMountDependencies(what, where, entry.vfstype, words, network, nofail),
    });

    if (automount) {
      const automountName = unitNameFromPath(where, '.automount') as string;
      const automountAssignments: UnitAssignment[] = [];
      header(automountAssignments, sourcePath);
      assign(automountAssignments, 'Automount', 'Where', where);
      const idle = optionValues(words, 'x-systemd.idle-timeout').pop();
      const idleSpan = idle === undefined ? undefined : normaliseTimespan(idle);
      if (idleSpan !== undefined) assign(automountAssignments, 'Automount', 'TimeoutIdleSec', idleSpan);
      units.push({
        name: automountName,
        type: 'automount',
        fstabLine: entry.line,
        assignments: automountAssignments,
      });
      link(targetUnit, nofail ? 'wants' : 'requires', automountName);
    } else if (!noauto && wantedBy.length === 0 && requiredBy.length === 0) {
      link(targetUnit, nofail ? 'wants' : 'requires', name);
    } else {
      for (const target of wantedBy) link(target, 'wants', name);
      for (const target of requiredBy) link(target, 'requires', name);
    }
  }
  return { units: units.map(asSystemdReadsIt), links, skipped };
}

/**
 * The unit as systemd reads back the file the generator wrote: values are written raw, so a
 * newline in a mount point (`\012`) ends the line there and a carriage return (a CRLF fstab)
 * is trimmed as white space. Only then are its assignments what the unit has.
 */
function asSystemdReadsIt(unit: GeneratedUnitFile): GeneratedUnitFile {
  const written = unit.assignments.some((a) => /[\r\n]|\\$|^\s|\s$/.test(a.value));
  if (!written) return unit;
  const assignments = parseUnitFile(renderGeneratedUnit(unit)).map((a) => ({ ...a, line: 0 }));
  if (!unit.mount) return { ...unit, assignments };
  const last = (key: string) =>
    assignments.filter((a) => a.section === 'Mount' && a.key === key).pop()?.value;
  const mount: NonNullable<GeneratedUnitFile['mount']> = {
    what: last('What') ?? '',
    where: last('Where') ?? '',
  };
  const type = last('Type');
  const options = last('Options');
  if (type !== undefined) mount.type = type;
  if (options !== undefined) mount.options = options;
  return { ...unit, assignments, mount };
}

/** The generated unit as the file systemd-fstab-generator would write (for reports and debugging). */
export function renderGeneratedUnit(unit: GeneratedUnitFile): string {
  const lines = ['# Automatically generated by systemd-fstab-generator'];
  let section: string | undefined;
  for (const a of unit.assignments) {
    if (a.section !== section) {
      lines.push('', `[${a.section}]`);
      section = a.section;
    }
    lines.push(`${a.key}=${a.value}`);
  }
  return lines.join('\n') + '\n';
}
