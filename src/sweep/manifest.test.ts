import { SYSTEM_UNIT_PATH } from '../collect/units/search-path';
import { COMMAND_IDS, commandIdOf, SWEEP_COMMANDS } from './commands';
import { looksSecret } from '../collect/files/parse';
import {
  SECRET_NAME_HINTS,
  initialRequests,
  isNeverRead,
  mergePathRequests,
  withAncestors,
} from './manifest';
import { REMOTE_SCRIPT } from './remote-script';
import type { PathRequest, Request } from './requests';
import { formatBatch } from './requests';

const opsOf = (requests: readonly Request[], path: string): string[] =>
  requests.filter((r): r is PathRequest => r.op !== 'command' && r.path === path).map((r) => r.op);

describe('initialRequests', () => {
  const requests = initialRequests([
    '/etc/pypi/config.ini',
    '/etc/pypi/*.conf',
    '/etc/corosync/authkey',
    '/etc/shadow',
  ]);

  it('asks for what each collector reads', () => {
    expect(opsOf(requests, '/var/lib/dpkg/status')).toEqual(['file']);
    expect(opsOf(requests, '/var/lib/dpkg/updates')).toEqual(['tree']);
    expect(opsOf(requests, '/proc/sys')).toEqual(['walk', 'kernel']);
    expect(opsOf(requests, '/proc/1/mountinfo')).toEqual(['kernel']);
    for (const dir of SYSTEM_UNIT_PATH) expect(opsOf(requests, dir.path)).toEqual(['tree']);
    // A relative .wants target resolves next to its link, inside the tree: no parent listed.
    expect(opsOf(requests, '/usr/lib/systemd')).not.toContain('dir');
    expect(opsOf(requests, '/etc/sysctl.d')).toEqual(['tree']); // the glob's watch-dir merged into it
  });

  it('hashes sensitive files on the node, and only lists a globbed directory that holds one', () => {
    const sensitive = initialRequests(
      ['/etc/pypi/config.ini', '/etc/drbd.d/r0.res'],
      ['/etc/pypi/config.ini', '/etc/drbd.d/r0.res'],
    );
    expect(opsOf(sensitive, '/etc/pypi/config.ini')).toEqual(['hash']);
    // /etc/drbd.d/* is a built-in watch: a listing with contents would carry r0.res off the node.
    expect(opsOf(sensitive, '/etc/drbd.d')).toEqual(['dir']);
    expect(opsOf(sensitive, '/etc/drbd.d/r0.res')).toEqual(['hash']);
    expect(opsOf(requests, '/etc/drbd.d')).toEqual(['watch-dir']);
  });

  it('fetches watched files as watches, secret-looking names as hashes, never /etc/shadow', () => {
    expect(opsOf(requests, '/etc/pypi/config.ini')).toEqual(['watch']);
    expect(opsOf(requests, '/etc/pypi')).toEqual(['watch-dir']);
    expect(opsOf(requests, '/etc/corosync/authkey')).toEqual(['hash']);
    expect(opsOf(requests, '/etc/shadow')).toEqual(['stat']);
    expect(opsOf(requests, '/etc/fstab')).toEqual(['file']); // parsed by mounts and units, watched too: content
  });

  it('asks for every ancestor of non-kernel paths once, and for none of /proc', () => {
    // / is listed (mount points are chased from it); its lstat facts come with the listing.
    expect(opsOf(requests, '/')).toEqual(['dir']);
    expect(opsOf(requests, '/etc/corosync')).toEqual(['stat']);
    expect(opsOf(requests, '/proc')).toEqual([]);
    const keys = requests.map((r) => (r.op === 'command' ? r.id : `${r.op} ${r.path}`));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('asks for /proc itself when a category alone reads below it (an absent /proc/drbd is then known absent)', () => {
    const alone = initialRequests([], [], ['replication']);
    expect(opsOf(alone, '/proc')).toEqual(['stat']);
    expect(opsOf(initialRequests([], [], ['capacity']), '/sys')).toEqual(['stat']);
  });

  it('runs commands only where their collector would', () => {
    expect(requests.filter((r) => r.op === 'command')).toEqual([
      { op: 'command', id: 'uname-m', when: { test: 'missing', path: '/proc/sys/kernel/arch' } },
      { op: 'command', id: 'list-units', when: { test: 'dir', path: '/run/systemd/system' } },
      { op: 'command', id: 'drbd-status', when: { test: 'exists', path: '/proc/drbd' } },
      { op: 'command', id: 'rpm-query', when: { test: 'missing', path: '/var/lib/dpkg/status' } },
    ]);
  });
});

describe('request merging', () => {
  it('keeps the strongest op per path and drops lstat requests other requests cover', () => {
    expect(
      mergePathRequests([
        { op: 'stat', path: '/a' },
        { op: 'watch', path: '/a' },
        { op: 'file', path: '/a' },
        { op: 'hash', path: '/a' },
        { op: 'dir', path: '/d' },
        { op: 'tree', path: '/d' },
        { op: 'stat', path: '/k' },
        { op: 'kernel', path: '/k' },
      ]),
    ).toEqual([
      { op: 'file', path: '/a' },
      { op: 'tree', path: '/d' },
      { op: 'stat', path: '/k' },
      { op: 'kernel', path: '/k' },
    ]);
  });

  it('adds ancestors before the paths that need them', () => {
    expect(withAncestors([{ op: 'file', path: '/etc/ssh/sshd_config' }])).toEqual([
      { op: 'stat', path: '/' },
      { op: 'stat', path: '/etc' },
      { op: 'stat', path: '/etc/ssh' },
      { op: 'file', path: '/etc/ssh/sshd_config' },
    ]);
  });

  it('hints at every name the files collector calls secret (a superset, matched without case)', () => {
    const names = [
      'authkey',
      'corosync.key',
      'ID_RSA',
      'id_ed25519',
      'tls.pem',
      'client-secret.txt',
      'db.password',
      'api_token',
      'aws-credentials',
      'private',
      'gshadow',
      'store.p12',
      'store.pfx',
      'KEYS',
      'krb5.keytab',
      'secrets.yaml',
    ];
    for (const name of names) {
      expect(looksSecret(name)).toBe(true);
      expect(SECRET_NAME_HINTS.some((hint) => name.toLowerCase().includes(hint))).toBe(true);
    }
  });

  it('knows the never-read paths', () => {
    expect(isNeverRead('/etc/shadow')).toBe(true);
    expect(isNeverRead('/etc/gshadow-')).toBe(true);
    expect(isNeverRead('/etc/ssh/ssh_host_ed25519_key')).toBe(true);
    expect(isNeverRead('/etc/ssh/ssh_host_ed25519_key.pub')).toBe(false);
    expect(isNeverRead('/etc/shadow.d/x')).toBe(false);
  });
});

describe('the wire format and the script', () => {
  it('sends paths as ./PATH lines ending with a dot line', () => {
    expect(
      formatBatch([
        { op: 'stat', path: '/' },
        { op: 'tree', path: '/etc/systemd/system' },
        { op: 'command', id: 'rpm-query', when: { test: 'missing', path: '/var/lib/dpkg/status' } },
      ]),
    ).toBe('S ./\nT ./etc/systemd/system\nC rpm-query missing ./var/lib/dpkg/status\n.\n');
  });

  it('refuses paths the line protocol cannot carry or that are not normalised', () => {
    expect(() => formatBatch([{ op: 'file', path: '/etc/new\nline' }])).toThrow(/newline/);
    expect(() => formatBatch([{ op: 'file', path: 'etc/fstab' }])).toThrow(/normalised absolute/);
    expect(() => formatBatch([{ op: 'file', path: '/etc/../root/.ssh/id_rsa' }])).toThrow(
      /normalised absolute/,
    );
  });

  it('holds every command of the table, quoted, and nothing that runs request data', () => {
    for (const id of COMMAND_IDS) {
      expect(commandIdOf(SWEEP_COMMANDS[id])).toBe(id);
      expect(REMOTE_SCRIPT).toContain(`${id}) set -- '${SWEEP_COMMANDS[id][0]}'`);
    }
    expect(commandIdOf(['rpm', '-qa'])).toBeUndefined();
    expect(REMOTE_SCRIPT).not.toMatch(/\beval\b/);
    expect(REMOTE_SCRIPT).toContain("-path './etc/shadow'");
  });
});
