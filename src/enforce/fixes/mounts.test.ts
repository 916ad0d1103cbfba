import { mountRule, spec, state } from '../../../test/helpers/states';
import { parseFstab } from '../../collect/parsers/fstab';
import type { RoleSpec } from '../../model/desired';
import type { FileInfo, NodeState } from '../../model/state';
import type { FixDraft, NodeFixContext, SourcedFinding } from '../types';
import { mountsFixer } from './mounts';

/** A node whose fstab is `text`, recorded as the collectors record it: parsed, and as a file. */
function withFstab(node: string, text: string, file: Partial<FileInfo> = {}, extra: Partial<NodeState> = {}) {
  return state(node, {
    mounts: { fstab: parseFstab(text).entries, live: [] },
    files: { items: { '/etc/fstab': { path: '/etc/fstab', exists: true, type: 'file', text, ...file } } },
    ...extra,
  });
}

const ctxOf = (b: NodeState, a?: NodeState, roles: RoleSpec = spec()): NodeFixContext => ({
  node: 'b',
  state: b,
  spec: roles,
  ...(a ? { model: a } : {}),
});

/** The fix that appends the primary's fstab line for `mountPoint` to b as `line`, changed as `but` says. */
const appendedFromPrimary = (mountPoint: string, line: string, but?: string): FixDraft => ({
  category: 'mounts',
  key: mountPoint,
  action: 'change',
  description: `add the fstab entry of ${mountPoint} to b, as the primary's${but ? `, but: ${but}` : ''}`,
  edits: [{ kind: 'fstab-append', text: line }],
  reloadSystemd: true,
  addresses: [`mounts|${mountPoint}|missing||only-first`],
});

const MARKER = '<redacted sha256:0123456789ab…>';

// Findings shaped as compare and boot safety make them (only what the fixer reads matters).
const base = (key: string) => ({ category: 'mounts' as const, key, node: 'b', severity: 'error' as const });
const parityDiff = (key: string): SourcedFinding => ({
  ...base(key),
  kind: 'mismatch',
  side: 'different',
  message: `${key} fstab entries differ`,
  source: 'parity',
});
const onlyPrimary = (key: string): SourcedFinding => ({
  ...base(key),
  kind: 'missing',
  side: 'only-first',
  message: `${key} only on the primary`,
  source: 'parity',
});
const onlySecondary = (key: string): SourcedFinding => ({
  ...base(key),
  kind: 'unexpected',
  side: 'only-second',
  message: `${key} only on the secondary`,
  source: 'parity',
});
const notMounted = (key: string): SourcedFinding => ({
  ...base(key),
  kind: 'missing',
  aspect: 'live',
  severity: 'warning',
  message: `${key} is defined but not mounted`,
  source: 'desired',
});
const noEntry = (key: string): SourcedFinding => ({
  ...base(key),
  kind: 'missing',
  message: `${key} has no fstab entry`,
  source: 'desired',
});
const lacksOptions = (key: string): SourcedFinding => ({
  ...base(key),
  kind: 'mismatch',
  aspect: 'options',
  message: `${key} lacks options`,
  source: 'desired',
});
const wrongDevice = (key: string): SourcedFinding => ({
  ...base(key),
  kind: 'mismatch',
  aspect: 'device',
  message: `${key} mounts another device`,
  source: 'desired',
});
const bootHang = (key: string): SourcedFinding => ({
  ...base(key),
  kind: 'unsafe',
  aspect: 'boot-hang',
  message: `${key} hangs the boot`,
  source: 'safety',
});
const failoverAtBoot = (key: string): SourcedFinding => ({
  ...base(key),
  kind: 'unsafe',
  aspect: 'failover-at-boot',
  message: `${key} is a failover mount, but the boot mounts it`,
  source: 'safety',
});

const HEAD = '# /etc/fstab\nUUID=1 / ext4 errors=remount-ro 0 1\n';

const lineFix = (key: string, line: number, fields: object, what: string, addresses: string[]): FixDraft => ({
  category: 'mounts',
  key,
  action: 'change',
  description: `fstab line ${line} of ${key} on b: ${what}; then reload systemd`,
  edits: [{ kind: 'fstab-line', line, fields } as NonNullable<FixDraft['edits']>[number]],
  reloadSystemd: true,
  addresses,
});

describe('mount points the fixer will not touch', () => {
  it('refuses a mount point from a state that is not a normalised absolute path', () => {
    const b = withFstab('b', `${HEAD}/dev/drbd0 srv/data ext4 defaults 0 2\n`);
    expect(mountsFixer.plan([parityDiff('srv/data')], ctxOf(b))).toEqual([
      {
        category: 'mounts',
        key: 'srv/data',
        action: 'advice',
        description:
          'mount point "srv/data" is not well-formed (it must be absolute (start with `/`)): driftguard will not pass it to a command',
        reason: 'refused: a malformed name from a node state',
        commands: [],
        addresses: ['mounts|srv/data|mismatch||different'],
      },
    ]);
  });

  it("takes a swap area's key (`swap #1`, not a path) as its own and fixes its line", () => {
    const a = withFstab('a', `${HEAD}UUID=aaaa none swap sw,pri=10 0 0\n`);
    const b = withFstab('b', `${HEAD}/dev/sdb2 none swap sw 0 0\n`);
    expect(mountsFixer.plan([parityDiff('swap #1')], ctxOf(b, a))).toEqual([
      lineFix('swap #1', 3, { options: { add: ['pri=10'], remove: [] } }, 'add pri=10', [
        'mounts|swap #1|mismatch||different',
      ]),
    ]);
  });
});

describe('what is left to people', () => {
  it('suggests mounting a mount point that is defined but not mounted, and edits nothing for it', () => {
    const b = withFstab('b', `${HEAD}/dev/sdb1 /data ext4 defaults 0 2\n`);
    expect(mountsFixer.plan([notMounted('/data')], ctxOf(b))).toEqual([
      {
        category: 'mounts',
        key: '/data',
        action: 'advice',
        description: 'mount /data on b',
        reason: 'driftguard edits fstab; mounting is for the boot, the cluster manager or a person',
        commands: [['mount', '/data']],
        addresses: ['mounts|/data|missing|live|'],
        part: 'mounted',
      },
    ]);
  });

  it('plans no line fix for a noauto mount that is only not mounted', () => {
    // A backup disk mounted by hand: nothing in fstab is asked of it.
    const b = withFstab('b', `${HEAD}/dev/sdc1 /backup ext4 noauto 0 2\n`);
    expect(mountsFixer.plan([notMounted('/backup')], ctxOf(b))).toEqual([
      {
        category: 'mounts',
        key: '/backup',
        action: 'advice',
        description: 'mount /backup on b',
        reason: 'driftguard edits fstab; mounting is for the boot, the cluster manager or a person',
        commands: [['mount', '/backup']],
        addresses: ['mounts|/backup|missing|live|'],
        part: 'mounted',
      },
    ]);
  });

  it('leaves an entry only the secondary has to a person', () => {
    const b = withFstab('b', `${HEAD}/dev/sdc1 /scratch ext4 defaults 0 2\n`);
    expect(mountsFixer.plan([onlySecondary('/scratch')], ctxOf(b, withFstab('a', HEAD)))).toEqual([
      {
        category: 'mounts',
        key: '/scratch',
        action: 'advice',
        description:
          "/scratch is in fstab only on b: remove the line there, add it to the primary, or add it to the pair's ignore list",
        reason: 'driftguard removes fstab entries only when a person decides',
        commands: [],
        addresses: ['mounts|/scratch|unexpected||only-second'],
      },
    ]);
  });

  it("fixes the roles' options on a line only the secondary has without addressing the parity finding", () => {
    // The primary lacks the line (its own drift); the secondary's lacks an option the roles ask.
    const b = withFstab('b', `${HEAD}/dev/sdc1 /scratch ext4 defaults 0 2\n`);
    const roles = spec({ mounts: { '/scratch': mountRule({ options: ['noatime'] }) } });
    expect(
      mountsFixer.plan(
        [onlySecondary('/scratch'), lacksOptions('/scratch')],
        ctxOf(b, withFstab('a', HEAD), roles),
      ),
    ).toEqual([
      {
        category: 'mounts',
        key: '/scratch',
        action: 'advice',
        description:
          "/scratch is in fstab only on b: remove the line there, add it to the primary, or add it to the pair's ignore list",
        reason: 'driftguard removes fstab entries only when a person decides',
        commands: [],
        addresses: ['mounts|/scratch|unexpected||only-second'],
      },
      lineFix('/scratch', 3, { options: { add: ['noatime'], remove: [] } }, 'add noatime', [
        'mounts|/scratch|mismatch|options|',
      ]),
    ]);
  });

  it('says the mount is missing live beside the line fix, which addresses only the fstab findings', () => {
    const a = withFstab('a', `${HEAD}/dev/sdb1 /data ext4 noatime 0 2\n`);
    const b = withFstab('b', `${HEAD}/dev/sdb1 /data ext4 defaults 0 2\n`);
    const drafts = mountsFixer.plan([notMounted('/data'), parityDiff('/data')], ctxOf(b, a));
    expect(drafts.map((d) => [d.part, d.action, d.addresses])).toEqual([
      ['mounted', 'advice', ['mounts|/data|missing|live|']],
      [undefined, 'change', ['mounts|/data|mismatch||different']],
    ]);
    expect(drafts[1]?.description).toBe(
      'fstab line 3 of /data on b: add noatime; drop defaults; then reload systemd',
    );
  });

  it('plans nothing beyond the advice when the line already is what the findings ask', () => {
    // A finding older than the state: the option it lacked is there now.
    const b = withFstab('b', `${HEAD}/dev/sdb1 /data ext4 noatime 0 2\n`);
    const roles = spec({ mounts: { '/data': mountRule({ options: ['noatime'] }) } });
    expect(mountsFixer.plan([lacksOptions('/data')], ctxOf(b, undefined, roles))).toEqual([]);
    const [mounted, ...others] = mountsFixer.plan(
      [notMounted('/data'), lacksOptions('/data')],
      ctxOf(b, undefined, roles),
    );
    expect(mounted?.part).toBe('mounted');
    expect(others).toEqual([]);
  });
});

describe('an entry the node lacks', () => {
  it("appends the primary's line exactly as written there, its blanks and escapes included", () => {
    const a = withFstab('a', `${HEAD}/dev/drbd1   /srv/my\\040data  ext4  noatime  0  2\n`);
    const b = withFstab('b', HEAD);
    expect(mountsFixer.plan([onlyPrimary('/srv/my data')], ctxOf(b, a))).toEqual([
      appendedFromPrimary('/srv/my data', '/dev/drbd1   /srv/my\\040data  ext4  noatime  0  2'),
    ]);
  });

  it("gives the primary's line what the roles and safety need: a failover mount is never appended to mount at boot", () => {
    // The primary's line says auto (the cluster manager there was set up by hand); copied as it
    // is, the secondary's next boot would mount the DRBD device — the 2013 outage.
    const a = withFstab('a', `${HEAD}/dev/drbd1   /srv/data  ext4  auto,noatime  0  2\n`);
    const roles = spec({ mounts: { '/srv/data': mountRule({ failover: true, fstype: 'xfs' }) } });
    expect(mountsFixer.plan([onlyPrimary('/srv/data')], ctxOf(withFstab('b', HEAD), a, roles))).toEqual([
      appendedFromPrimary(
        '/srv/data',
        '/dev/drbd1   /srv/data  xfs  noatime,noauto  0  2',
        'type xfs; add noauto; drop auto',
      ),
    ]);
    // A boot-time mount of a late device gets nofail and the DRBD resource's target.
    const late = mountsFixer.plan(
      [onlyPrimary('/srv/late'), bootHang('/srv/late')],
      ctxOf(
        withFstab('b', HEAD),
        withFstab('a', `${HEAD}/dev/drbd/by-res/r7/0 /srv/late ext4 defaults 0 0\n`),
      ),
    );
    expect(late.map((fix) => [fix.description, fix.edits])).toEqual([
      [
        "add the fstab entry of /srv/late to b, as the primary's, but: add nofail,x-systemd.requires=drbd@r7.target",
        [
          {
            kind: 'fstab-append',
            text: '/dev/drbd/by-res/r7/0 /srv/late ext4 defaults,nofail,x-systemd.requires=drbd@r7.target 0 0',
          },
        ],
      ],
    ]);
  });

  it("takes the primary's line without its carriage return when its fstab has CRLF line ends", () => {
    const a = withFstab('a', `${HEAD}/dev/drbd1 /srv/x ext4 noatime 0 2\n`.replace(/\n/g, '\r\n'));
    const [fix] = mountsFixer.plan([onlyPrimary('/srv/x')], ctxOf(withFstab('b', HEAD), a));
    expect(fix?.edits).toEqual([{ kind: 'fstab-append', text: '/dev/drbd1 /srv/x ext4 noatime 0 2' }]);
  });

  it("drops only the carriage return that ends the primary's line, keeping one inside it byte for byte", () => {
    const a = withFstab('a', `${HEAD}/dev/drbd1 /srv/x ext4 noatime 0 2 x\ry\r\n`);
    const [fix] = mountsFixer.plan([onlyPrimary('/srv/x')], ctxOf(withFstab('b', HEAD), a));
    expect(fix?.edits).toEqual([{ kind: 'fstab-append', text: '/dev/drbd1 /srv/x ext4 noatime 0 2 x\ry' }]);
  });

  it("copies the primary's line as it is when it already has what the roles ask: their type and options, an auto of a mount that is no failover one", () => {
    const a = withFstab('a', `${HEAD}/dev/drbd1  /srv/data  ext4  auto,noatime  0  2\n`);
    const roles = spec({ mounts: { '/srv/data': mountRule({ fstype: 'ext4', options: ['noatime'] }) } });
    expect(mountsFixer.plan([onlyPrimary('/srv/data')], ctxOf(withFstab('b', HEAD), a, roles))).toEqual([
      appendedFromPrimary('/srv/data', '/dev/drbd1  /srv/data  ext4  auto,noatime  0  2'),
    ]);
  });

  it("puts the roles' device in place of the primary's in the copied line", () => {
    const a = withFstab('a', `${HEAD}/dev/drbd1  /srv/data  ext4  noatime  0  2\n`);
    const roles = spec({ mounts: { '/srv/data': mountRule({ device: '/dev/drbd2' }) } });
    expect(mountsFixer.plan([onlyPrimary('/srv/data')], ctxOf(withFstab('b', HEAD), a, roles))).toEqual([
      appendedFromPrimary('/srv/data', '/dev/drbd2  /srv/data  ext4  noatime  0  2', 'device /dev/drbd2'),
    ]);
  });

  it("takes the auto out of a failover mount's copied line that says noauto, then auto (the last one wins)", () => {
    const a = withFstab('a', `${HEAD}/dev/drbd1 /srv/data ext4 defaults,noauto,auto 0 0\n`);
    const roles = spec({ mounts: { '/srv/data': mountRule({ failover: true }) } });
    expect(mountsFixer.plan([onlyPrimary('/srv/data')], ctxOf(withFstab('b', HEAD), a, roles))).toEqual([
      appendedFromPrimary('/srv/data', '/dev/drbd1 /srv/data ext4 defaults,noauto 0 0', 'drop auto'),
    ]);
  });

  it("rebuilds the primary's line from its entry when its fstab text is redacted or not recorded", () => {
    const text = `${HEAD}/dev/drbd1   /srv/my\\040data  ext4  rw,,noatime  1  2\n`;
    const redacted = withFstab('a', text, { redacted: true });
    const unrecorded = withFstab('a', text, {}, { files: { items: {} } });
    for (const a of [redacted, unrecorded]) {
      const [fix] = mountsFixer.plan([onlyPrimary('/srv/my data')], ctxOf(withFstab('b', HEAD), a));
      expect(fix?.edits).toEqual([
        { kind: 'fstab-append', text: '/dev/drbd1\t/srv/my\\040data\text4\trw,,noatime\t1\t2' },
      ]);
    }
  });

  it("never copies the primary's own disk identifier: advice naming the primary's type and device", () => {
    for (const device of ['UUID=aaaa-bbbb', 'PARTUUID=0c0f-01', '/dev/disk/by-uuid/aaaa-bbbb']) {
      const a = withFstab('a', `${HEAD}${device} /data xfs defaults 0 2\n`);
      expect(mountsFixer.plan([onlyPrimary('/data')], ctxOf(withFstab('b', HEAD), a))).toEqual([
        {
          category: 'mounts',
          key: '/data',
          action: 'advice',
          description: "add an fstab entry for /data on b like the primary's (xfs), naming b's own disk",
          reason: `the primary's line names its own disk (${device})`,
          commands: [],
          addresses: ['mounts|/data|missing||only-first'],
        },
      ]);
    }
  });

  it("never appends a line with a secret's marker, in the device or in an option", () => {
    const inOption = withFstab('a', `${HEAD}//nas/share /mnt/share cifs username=pypi,password=x 0 0\n`);
    const option = inOption.mounts?.fstab[1];
    if (option) option.options = ['username=pypi', `password=${MARKER}`];
    const inDevice = withFstab('a', `${HEAD}https://pypi:x@dav.example/ /mnt/share davfs noauto 0 0\n`);
    const device = inDevice.mounts?.fstab[1];
    if (device) device.spec = `https://pypi:${MARKER}@dav.example/`;
    for (const a of [inOption, inDevice]) {
      expect(mountsFixer.plan([onlyPrimary('/mnt/share')], ctxOf(withFstab('b', HEAD), a))).toEqual([
        {
          category: 'mounts',
          key: '/mnt/share',
          action: 'advice',
          description: "make the fstab line of /mnt/share on b like the primary's by hand",
          reason: 'the line holds a secret (a password in its device or options) that stays on the nodes',
          commands: [],
          addresses: ['mounts|/mnt/share|missing||only-first'],
        },
      ]);
    }
  });

  it("writes the roles' line, with the options they and safety need, once each, when no parity finding asks for the primary's", () => {
    // The primary has a line too, but only the roles' finding is about this mount: theirs is written.
    const a = withFstab('a', `${HEAD}/dev/drbd9 /srv/data xfs nodev 0 2\n`);
    const roles = spec({
      mounts: {
        '/srv/data': mountRule({
          device: '/dev/drbd1',
          fstype: 'ext4',
          options: ['noauto', 'noatime'],
          failover: true,
        }),
      },
    });
    expect(mountsFixer.plan([noEntry('/srv/data')], ctxOf(withFstab('b', HEAD), a, roles))).toEqual([
      {
        category: 'mounts',
        key: '/srv/data',
        action: 'change',
        description: 'add the fstab entry of /srv/data to b',
        edits: [{ kind: 'fstab-append', text: '/dev/drbd1\t/srv/data\text4\tnoauto,noatime\t0\t0' }],
        reloadSystemd: true,
        addresses: ['mounts|/srv/data|missing||'],
      },
    ]);
  });

  it('gives advice when the roles name no device or no type and the primary has no line', () => {
    for (const rule of [{ fstype: 'ext4' }, { device: '/dev/drbd1' }, {}]) {
      const roles = spec({ mounts: { '/srv/data': mountRule(rule) } });
      expect(mountsFixer.plan([noEntry('/srv/data')], ctxOf(withFstab('b', HEAD), undefined, roles))).toEqual(
        [
          {
            category: 'mounts',
            key: '/srv/data',
            action: 'advice',
            description: 'add an fstab entry for /srv/data on b',
            reason: 'the roles name no device and type for it, and the primary has no line to copy',
            commands: [],
            addresses: ['mounts|/srv/data|missing||'],
          },
        ],
      );
    }
  });
});

describe("copying the primary's line", () => {
  it('changes device, type, options and fsck pass, said in that order', () => {
    const a = withFstab('a', `${HEAD}/dev/drbd1 /srv/data xfs noatime,nofail 0 0\n`);
    const b = withFstab('b', `${HEAD}/dev/drbd0  /srv/data  ext4  relatime,noatime  0  2\n`);
    expect(mountsFixer.plan([parityDiff('/srv/data')], ctxOf(b, a))).toEqual([
      lineFix(
        '/srv/data',
        3,
        { spec: '/dev/drbd1', vfstype: 'xfs', options: { add: ['nofail'], remove: ['relatime'] }, passno: 0 },
        'device /dev/drbd1; type xfs; add nofail; drop relatime; fsck pass 0',
        ['mounts|/srv/data|mismatch||different'],
      ),
    ]);
  });

  it('changes the fsck pass alone, with an empty options change', () => {
    const a = withFstab('a', `${HEAD}/dev/sdb1 /data ext4 defaults 0 0\n`);
    const b = withFstab('b', `${HEAD}/dev/sdb1 /data ext4 defaults 0 2\n`);
    expect(mountsFixer.plan([parityDiff('/data')], ctxOf(b, a))).toEqual([
      lineFix('/data', 3, { options: { add: [], remove: [] }, passno: 0 }, 'fsck pass 0', [
        'mounts|/data|mismatch||different',
      ]),
    ]);
  });

  it("keeps the node's own disk identifier where the primary names its own disk", () => {
    const a = withFstab('a', `${HEAD}UUID=aaaa /data ext4 noatime 0 2\n`);
    const b = withFstab('b', `${HEAD}UUID=bbbb /data ext4 defaults 0 2\n`);
    expect(mountsFixer.plan([parityDiff('/data')], ctxOf(b, a))).toEqual([
      lineFix(
        '/data',
        3,
        { options: { add: ['noatime'], remove: ['defaults'] } },
        'add noatime; drop defaults',
        ['mounts|/data|mismatch||different'],
      ),
    ]);
  });

  it("lets the roles' device and type win over the primary's", () => {
    const a = withFstab('a', `${HEAD}/dev/drbd1 /srv/data xfs defaults 0 2\n`);
    const b = withFstab('b', `${HEAD}/dev/drbd0 /srv/data btrfs defaults 0 2\n`);
    const roles = spec({ mounts: { '/srv/data': mountRule({ device: '/dev/drbd2', fstype: 'ext4' }) } });
    expect(mountsFixer.plan([parityDiff('/srv/data')], ctxOf(b, a, roles))).toEqual([
      lineFix(
        '/srv/data',
        3,
        { spec: '/dev/drbd2', vfstype: 'ext4', options: { add: [], remove: [] } },
        'device /dev/drbd2; type ext4',
        ['mounts|/srv/data|mismatch||different'],
      ),
    ]);
  });

  it('never takes away an option the roles need to match the primary, and adds one both ask for once', () => {
    const a = withFstab('a', `${HEAD}nas:/x /mnt/x nfs ro,noatime 0 0\n`);
    const b = withFstab('b', `${HEAD}nas:/x /mnt/x nfs ro,_netdev,nodev 0 0\n`);
    const roles = spec({ mounts: { '/mnt/x': mountRule({ options: ['_netdev', 'noatime'] }) } });
    expect(mountsFixer.plan([parityDiff('/mnt/x')], ctxOf(b, a, roles))).toEqual([
      lineFix('/mnt/x', 3, { options: { add: ['noatime'], remove: ['nodev'] } }, 'add noatime; drop nodev', [
        'mounts|/mnt/x|mismatch||different',
      ]),
    ]);
  });

  it('neither drops nor counts the empty option word of `rw,,noatime`', () => {
    const a = withFstab('a', `${HEAD}/dev/sdb1 /data ext4 rw,noatime 0 0\n`);
    const b = withFstab('b', `${HEAD}/dev/sdb1 /data ext4 rw,,noatime 0 2\n`);
    expect(mountsFixer.plan([parityDiff('/data')], ctxOf(b, a))).toEqual([
      lineFix('/data', 3, { options: { add: [], remove: [] }, passno: 0 }, 'fsck pass 0', [
        'mounts|/data|mismatch||different',
      ]),
    ]);
  });

  it('drops every option the primary lacks, named together, and keeps an auto both lines have', () => {
    const a = withFstab('a', `${HEAD}/dev/sdb1 /data ext4 auto,noatime 0 2\n`);
    const b = withFstab('b', `${HEAD}/dev/sdb1 /data ext4 auto,relatime,nodev 0 2\n`);
    expect(mountsFixer.plan([parityDiff('/data')], ctxOf(b, a))).toEqual([
      lineFix(
        '/data',
        3,
        { options: { add: ['noatime'], remove: ['relatime', 'nodev'] } },
        'add noatime; drop relatime,nodev',
        ['mounts|/data|mismatch||different'],
      ),
    ]);
  });

  it("uses only the roles' options when no finding is a parity one, whatever the primary has", () => {
    const a = withFstab('a', `${HEAD}/dev/sdb1 /data ext4 noatime,nodev 0 0\n`);
    const b = withFstab('b', `${HEAD}/dev/sdb1 /data ext4 defaults 0 2\n`);
    const roles = spec({ mounts: { '/data': mountRule({ options: ['noatime'] }) } });
    expect(mountsFixer.plan([lacksOptions('/data')], ctxOf(b, a, roles))).toEqual([
      lineFix('/data', 3, { options: { add: ['noatime'], remove: [] } }, 'add noatime', [
        'mounts|/data|mismatch|options|',
      ]),
    ]);
  });

  it("never writes a secret's marker into a line the node has: advice instead", () => {
    const share = '//nas/share /mnt/share cifs username=pypi,password=x 0 0\n';
    const a = withFstab('a', `${HEAD}${share}`);
    const entry = a.mounts?.fstab[1];
    if (entry) entry.options = ['username=pypi', `password=${MARKER}`];
    const b = withFstab('b', `${HEAD}${share.replace('password=x', 'password=y')}`);
    expect(mountsFixer.plan([parityDiff('/mnt/share')], ctxOf(b, a))).toEqual([
      {
        category: 'mounts',
        key: '/mnt/share',
        action: 'advice',
        description: "make the fstab line of /mnt/share on b like the primary's by hand",
        reason: 'the line holds a secret (a password in its device or options) that stays on the nodes',
        commands: [],
        addresses: ['mounts|/mnt/share|mismatch||different'],
      },
    ]);
    // The same with the secret in the device the fix would write.
    const dav = 'https://pypi:x@dav.example/ /mnt/share davfs noauto 0 0\n';
    const c = withFstab('a', `${HEAD}${dav}`);
    const davEntry = c.mounts?.fstab[1];
    if (davEntry) davEntry.spec = `https://pypi:${MARKER}@dav.example/`;
    const d = withFstab('b', `${HEAD}${dav.replace('pypi:x', 'pypi:y')}`);
    expect(mountsFixer.plan([parityDiff('/mnt/share')], ctxOf(d, c))[0]?.description).toBe(
      "make the fstab line of /mnt/share on b like the primary's by hand",
    );
  });
});

describe('boot safety', () => {
  const drbd = (name: string, minor: number): NonNullable<NodeState['replication']> => ({
    drbdAvailable: true,
    drbd: {
      [name]: {
        name,
        role: 'Secondary',
        volumes: [{ volume: 0, minor, diskState: 'UpToDate' }],
        connections: [],
      },
    },
  });

  it("gives a boot-time mount of a DRBD device nofail and LINBIT's drbd@RES.target, the resource found by minor or by name", () => {
    const byMinor = withFstab(
      'b',
      `${HEAD}/dev/drbd3 /srv/data ext4 defaults 0 2\n`,
      {},
      { replication: drbd('r5', 3) },
    );
    const byName = withFstab('b', `${HEAD}/dev/drbd/by-res/r7/0 /srv/data ext4 defaults 0 2\n`);
    for (const [b, resource] of [
      [byMinor, 'r5'],
      [byName, 'r7'],
    ] as const) {
      expect(mountsFixer.plan([bootHang('/srv/data')], ctxOf(b))).toEqual([
        lineFix(
          '/srv/data',
          3,
          { options: { add: ['nofail', `x-systemd.requires=drbd@${resource}.target`], remove: [] } },
          `add nofail,x-systemd.requires=drbd@${resource}.target`,
          ['mounts|/srv/data|unsafe|boot-hang|'],
        ),
      ]);
    }
  });

  it('requires the DRBD resource of the device the fix writes, not of the one it replaces', () => {
    const replication = drbd('r0', 0);
    replication.drbd.r1 = {
      name: 'r1',
      role: 'Secondary',
      volumes: [{ volume: 0, minor: 1, diskState: 'UpToDate' }],
      connections: [],
    };
    const b = withFstab('b', `${HEAD}/dev/drbd0 /srv/data ext4 defaults 0 2\n`, {}, { replication });
    const roles = spec({ mounts: { '/srv/data': mountRule({ device: '/dev/drbd1' }) } });
    expect(
      mountsFixer.plan([wrongDevice('/srv/data'), bootHang('/srv/data')], ctxOf(b, undefined, roles)),
    ).toEqual([
      lineFix(
        '/srv/data',
        3,
        { spec: '/dev/drbd1', options: { add: ['nofail', 'x-systemd.requires=drbd@r1.target'], remove: [] } },
        'device /dev/drbd1; add nofail,x-systemd.requires=drbd@r1.target',
        ['mounts|/srv/data|mismatch|device|', 'mounts|/srv/data|unsafe|boot-hang|'],
      ),
    ]);
    // The same when the device written is the primary's.
    const a = withFstab('a', `${HEAD}/dev/drbd1 /srv/data ext4 defaults 0 2\n`);
    expect(mountsFixer.plan([parityDiff('/srv/data'), bootHang('/srv/data')], ctxOf(b, a))).toEqual([
      lineFix(
        '/srv/data',
        3,
        { spec: '/dev/drbd1', options: { add: ['nofail', 'x-systemd.requires=drbd@r1.target'], remove: [] } },
        'device /dev/drbd1; add nofail,x-systemd.requires=drbd@r1.target',
        ['mounts|/srv/data|mismatch||different', 'mounts|/srv/data|unsafe|boot-hang|'],
      ),
    ]);
  });

  it('gives nofail alone when the DRBD resource cannot be told, or the late device is no DRBD one', () => {
    for (const device of ['/dev/drbd3', '/dev/mapper/mpatha']) {
      const b = withFstab(
        'b',
        `${HEAD}${device} /srv/data ext4 defaults 0 2\n`,
        {},
        { replication: drbd('r5', 4) },
      );
      expect(mountsFixer.plan([bootHang('/srv/data')], ctxOf(b))).toEqual([
        lineFix('/srv/data', 3, { options: { add: ['nofail'], remove: [] } }, 'add nofail', [
          'mounts|/srv/data|unsafe|boot-hang|',
        ]),
      ]);
    }
  });

  it("works out the resource from the roles' device when the node has no line", () => {
    const roles = spec({
      mounts: { '/srv/data': mountRule({ device: '/dev/drbd/by-res/r2/0', fstype: 'ext4' }) },
    });
    const [fix] = mountsFixer.plan(
      [noEntry('/srv/data'), bootHang('/srv/data')],
      ctxOf(withFstab('b', HEAD), undefined, roles),
    );
    expect(fix?.edits).toEqual([
      {
        kind: 'fstab-append',
        text: '/dev/drbd/by-res/r2/0\t/srv/data\text4\tnofail,x-systemd.requires=drbd@r2.target\t0\t0',
      },
    ]);
  });

  it('gives a failover mount noauto instead, taking out an explicit auto and never copying one from the primary', () => {
    const a = withFstab('a', `${HEAD}/dev/drbd0 /srv/data ext4 defaults,auto 0 2\n`);
    const b = withFstab('b', `${HEAD}/dev/drbd0 /srv/data ext4 auto,defaults 0 2\n`);
    const roles = spec({ mounts: { '/srv/data': mountRule({ failover: true }) } });
    expect(mountsFixer.plan([bootHang('/srv/data'), parityDiff('/srv/data')], ctxOf(b, a, roles))).toEqual([
      lineFix('/srv/data', 3, { options: { add: ['noauto'], remove: ['auto'] } }, 'add noauto; drop auto', [
        'mounts|/srv/data|unsafe|boot-hang|',
        'mounts|/srv/data|mismatch||different',
      ]),
    ]);
    // An auto the primary has is not copied, and there is none here to drop.
    const noAuto = withFstab('b', `${HEAD}/dev/drbd0 /srv/data ext4 defaults 0 2\n`);
    expect(mountsFixer.plan([parityDiff('/srv/data')], ctxOf(noAuto, a, roles))).toEqual([
      lineFix('/srv/data', 3, { options: { add: ['noauto'], remove: [] } }, 'add noauto', [
        'mounts|/srv/data|mismatch||different',
      ]),
    ]);
    // Without the primary: noauto added, and auto is not on the line, so nothing to drop. The
    // edit holds no device or type at all (strictly: not even as undefined) — neither is known.
    const plain = withFstab('b', `${HEAD}/dev/drbd0 /srv/data ext4 defaults 0 2\n`);
    expect(mountsFixer.plan([failoverAtBoot('/srv/data')], ctxOf(plain, undefined, roles))).toStrictEqual([
      lineFix('/srv/data', 3, { options: { add: ['noauto'], remove: [] } }, 'add noauto', [
        'mounts|/srv/data|unsafe|failover-at-boot|',
      ]),
    ]);
  });

  it('leaves a failover mount that fstab already says noauto for to a person: a unit pulls it in', () => {
    const b = withFstab('b', `${HEAD}/dev/drbd0 /srv/data ext4 defaults,noauto 0 2\n`);
    const roles = spec({ mounts: { '/srv/data': mountRule({ failover: true }) } });
    expect(mountsFixer.plan([failoverAtBoot('/srv/data')], ctxOf(b, undefined, roles))).toEqual([
      {
        category: 'mounts',
        key: '/srv/data',
        action: 'advice',
        description:
          'a unit started at boot pulls /srv/data in on b: let the cluster manager start that unit, or override its unit file without the Requires=/RequiresMountsFor= on the mount',
        reason: 'which unit should stop requiring the mount is a decision about the service',
        commands: [],
        addresses: ['mounts|/srv/data|unsafe|failover-at-boot|'],
      },
    ]);
  });

  it('still fixes the line of a noauto failover mount when another finding asks for a change', () => {
    const a = withFstab('a', `${HEAD}/dev/drbd0 /srv/data ext4 defaults,noauto 0 0\n`);
    const b = withFstab('b', `${HEAD}/dev/drbd0 /srv/data ext4 defaults,noauto 0 2\n`);
    const roles = spec({ mounts: { '/srv/data': mountRule({ failover: true }) } });
    expect(
      mountsFixer.plan([failoverAtBoot('/srv/data'), parityDiff('/srv/data')], ctxOf(b, a, roles)),
    ).toEqual([
      lineFix('/srv/data', 3, { options: { add: [], remove: [] }, passno: 0 }, 'fsck pass 0', [
        'mounts|/srv/data|unsafe|failover-at-boot|',
        'mounts|/srv/data|mismatch||different',
      ]),
    ]);
  });
});
