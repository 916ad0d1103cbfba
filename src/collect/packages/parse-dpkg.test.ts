import { CollectError } from '../../shared/errors';
import type { DpkgFile } from './parse-dpkg';
import { dpkgPackageItems, journalFileOrder, parseDpkgStanzas, readDpkgDatabase } from './parse-dpkg';

/** A stanza as dpkg writes it, with the multi-line fields that must not leak into values. */
function stanza(
  name: string,
  version: string,
  status = 'install ok installed',
  arch = 'amd64',
  extra = '',
): string {
  return [
    `Package: ${name}`,
    `Status: ${status}`,
    'Priority: optional',
    'Installed-Size: 120',
    `Architecture: ${arch}`,
    `Version: ${version}`,
    'Config-Version: 0.0.1-1',
    ...(extra ? [extra] : []),
    'Conffiles:',
    ` /etc/${name}.conf 0123456789abcdef0123456789abcdef`,
    `Description: the ${name} package`,
    ' Version: 9.9 appears here only as text of the long description.',
    ' .',
    ' Package: not-a-package',
  ].join('\n');
}

const file = (path: string, ...stanzas: string[]): DpkgFile => ({ path, text: stanzas.join('\n\n') + '\n' });
const STATUS = '/var/lib/dpkg/status';

describe('parseDpkgStanzas', () => {
  it('reads the five kept fields and ignores continuation lines and look-alike fields', () => {
    const records = parseDpkgStanzas(
      file(STATUS, stanza('bash', '5.2.15-2+b8'), stanza('tzdata', '2025b-0+deb12u2', undefined, 'all')),
    );
    expect(records).toEqual([
      {
        name: 'bash',
        arch: 'amd64',
        version: '5.2.15-2+b8',
        multiArch: '',
        want: 'install',
        errorFlag: 'ok',
        state: 'installed',
      },
      {
        name: 'tzdata',
        arch: 'all',
        version: '2025b-0+deb12u2',
        multiArch: '',
        want: 'install',
        errorFlag: 'ok',
        state: 'installed',
      },
    ]);
  });

  it('matches field names case-insensitively, as dpkg does', () => {
    const text =
      'package: libfoo1\nSTATUS: install ok installed\nmulti-arch: same\nArchitecture: i386\nversion: 1.0-1\n';
    expect(parseDpkgStanzas({ path: STATUS, text })).toEqual([
      {
        name: 'libfoo1',
        arch: 'i386',
        version: '1.0-1',
        multiArch: 'same',
        want: 'install',
        errorFlag: 'ok',
        state: 'installed',
      },
    ]);
    // Canonical Package and Status, another case for the rest.
    const mixed = 'Package: bar\nStatus: install ok installed\narchitecture: all\nVERSION: 2\n';
    expect(parseDpkgStanzas({ path: STATUS, text: mixed })).toMatchObject([{ arch: 'all', version: '2' }]);
  });

  it('ends stanzas only at empty lines: extra empty lines are fine, a line of blanks continues', () => {
    const text = `\n\n${stanza('a', '1')}\n\n\n\n${stanza('b', '2')}`; // no final newline either
    expect(parseDpkgStanzas({ path: STATUS, text }).map((r) => r.name)).toEqual(['a', 'b']);
    const blanks = 'Package: c\nStatus: install ok installed\nDescription: x\n  \nVersion: 3\n';
    expect(parseDpkgStanzas({ path: STATUS, text: blanks })).toMatchObject([{ name: 'c', version: '3' }]);
  });

  it('reads Status words separated by any blanks', () => {
    const text = 'Package: d\nStatus: hold \t ok   installed\nVersion: 1\n';
    expect(parseDpkgStanzas({ path: STATUS, text })).toMatchObject([
      { want: 'hold', errorFlag: 'ok', state: 'installed' },
    ]);
  });

  it('refuses a stanza without Package or with an invalid Status, naming file and line', () => {
    const noPackage = file(STATUS, stanza('a', '1'), 'Status: install ok installed\nVersion: 1');
    expect(() => parseDpkgStanzas(noPackage)).toThrow(CollectError);
    expect(() => parseDpkgStanzas(noPackage)).toThrow(`${STATUS}:15: stanza has no 'Package' field`); // 13 lines, an empty one, then it
    const badStatus = file(STATUS, stanza('a', '1', 'install ok exploded'));
    expect(() => parseDpkgStanzas(badStatus)).toThrow(
      `${STATUS}:1: package 'a' has an invalid Status 'install ok exploded'`,
    );
    expect(() => parseDpkgStanzas(file(STATUS, stanza('a', '1', 'install ok')))).toThrow(/invalid Status/);
  });
});

describe('dpkgPackageItems', () => {
  it('keys by name:arch, keeps `all`, and keeps multi-arch instances apart', () => {
    const status = file(
      STATUS,
      stanza('libc6', '2.36-9+deb12u14', undefined, 'amd64', 'Multi-Arch: same'),
      stanza('libc6', '2.36-9+deb12u14', undefined, 'i386', 'Multi-Arch: same'),
      stanza('tzdata', '2025b-0+deb12u2', undefined, 'all'),
    );
    expect(Object.keys(dpkgPackageItems(readDpkgDatabase(status, [])))).toEqual([
      'libc6:amd64',
      'libc6:i386',
      'tzdata:all',
    ]);
  });

  it('keeps installed and interrupted states with flags, drops not-installed and config-files', () => {
    const status = file(
      STATUS,
      stanza('ok', '1'),
      stanza('held', '1', 'hold ok installed'),
      stanza('half-inst', '1', 'install reinstreq half-installed'),
      stanza('unpacked', '1', 'install ok unpacked'),
      stanza('half-conf', '1', 'install ok half-configured'),
      stanza('awaited', '1', 'install ok triggers-awaited'),
      stanza('pending', '1', 'hold ok triggers-pending'),
      stanza('removed', '1', 'deinstall ok config-files'),
      stanza('purged', '1', 'purge ok not-installed'),
      stanza('selected', '1', 'install ok not-installed'),
    );
    const items = dpkgPackageItems(readDpkgDatabase(status, []));
    expect(
      Object.fromEntries(Object.entries(items).map(([key, entry]) => [key, [entry.status, entry.flags]])),
    ).toEqual({
      'awaited:amd64': ['install ok triggers-awaited', ['triggers-awaited']],
      'half-conf:amd64': ['install ok half-configured', ['half-configured']],
      'half-inst:amd64': ['install reinstreq half-installed', ['half-installed', 'reinst-required']],
      'held:amd64': ['hold ok installed', ['held']],
      'ok:amd64': ['install ok installed', undefined],
      'pending:amd64': ['hold ok triggers-pending', ['held', 'triggers-pending']],
      'unpacked:amd64': ['install ok unpacked', ['unpacked']],
    });
    expect(items['ok:amd64']).toEqual({
      name: 'ok',
      arch: 'amd64',
      version: '1',
      status: 'install ok installed',
    });
  });
});

describe('journalFileOrder', () => {
  it('takes digit-only names in order and ignores the rest', () => {
    expect(journalFileOrder(['0010', 'tmp.i', '0002', '0001', '.keep'], '/u')).toEqual([
      '0001',
      '0002',
      '0010',
    ]);
    expect(journalFileOrder([], '/u')).toEqual([]);
  });

  it('refuses what dpkg refuses: names of different lengths, or longer than 10 digits', () => {
    expect(() => journalFileOrder(['0001', '02'], '/u')).toThrow(/different lengths/);
    expect(() => journalFileOrder(['12345678901'], '/u')).toThrow(/too long/);
  });
});

describe('readDpkgDatabase with a journal', () => {
  const keyed = (status: DpkgFile, journal: DpkgFile[]): Record<string, string> =>
    Object.fromEntries(
      Object.entries(dpkgPackageItems(readDpkgDatabase(status, journal))).map(([key, entry]) => [
        key,
        `${entry.version} ${entry.status}`,
      ]),
    );

  it('replaces, adds and removes packages, later journal files winning', () => {
    const status = file(
      STATUS,
      stanza('libssl3', '3.0.15-1~deb12u1'),
      stanza('rsyslog', '8.2302.0-1'),
      stanza('tzdata', '2024a-0+deb12u1', undefined, 'all'),
    );
    const journal = [
      file(
        '/u/0000',
        stanza('libssl3', '3.0.17-1~deb12u2'),
        stanza('rsyslog', '8.2302.0-1', 'deinstall ok config-files'),
        stanza('curl', '7.88.1-10+deb12u14', 'install ok unpacked'),
      ),
      file(
        '/u/0001',
        stanza('curl', '7.88.1-10+deb12u14'),
        stanza('tzdata', '2025b-0+deb12u2', 'install reinstreq half-installed', 'all'),
      ),
    ];
    expect(keyed(status, journal)).toEqual({
      'curl:amd64': '7.88.1-10+deb12u14 install ok installed',
      'libssl3:amd64': '3.0.17-1~deb12u2 install ok installed',
      'tzdata:all': '2025b-0+deb12u2 install reinstreq half-installed',
    });
    // Without the journal, the stale status file is all there is.
    expect(keyed(status, [])['libssl3:amd64']).toBe('3.0.15-1~deb12u1 install ok installed');
  });

  it('applies a cross-grade to the single installed instance, whatever its architecture', () => {
    const status = file(STATUS, stanza('fonts-x', '1.0-1', undefined, 'amd64'));
    const journal = [file('/u/0000', stanza('fonts-x', '1.1-1', undefined, 'all'))];
    expect(keyed(status, journal)).toEqual({ 'fonts-x:all': '1.1-1 install ok installed' });
  });

  it('gives a Multi-Arch: same stanza its own slot next to the installed instance', () => {
    const status = file(STATUS, stanza('libfoo1', '1.0-1', undefined, 'amd64', 'Multi-Arch: same'));
    const journal = [file('/u/0000', stanza('libfoo1', '1.0-1', undefined, 'i386', 'Multi-Arch: same'))];
    expect(Object.keys(keyed(status, journal))).toEqual(['libfoo1:amd64', 'libfoo1:i386']);
  });

  it('updates the matching architecture when several instances are installed', () => {
    const both = [
      stanza('libfoo1', '1.0-1', undefined, 'amd64', 'Multi-Arch: same'),
      stanza('libfoo1', '1.0-1', undefined, 'i386', 'Multi-Arch: same'),
    ];
    const journal = [
      file('/u/0000', stanza('libfoo1', '1.0-1', 'purge ok not-installed', 'i386', 'Multi-Arch: same')),
    ];
    expect(keyed(file(STATUS, ...both), journal)).toEqual({ 'libfoo1:amd64': '1.0-1 install ok installed' });
  });
});
