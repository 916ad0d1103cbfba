import type { FileRule } from '../../model/desired';
import type { FileInfo } from '../../model/state';
import { hashOf } from '../../shared/canonical-json';
import { findingsAbout, pairContext } from '../test-helpers';
import { spec } from '../../../test/helpers/states';
import { filesComparator } from './files';

const PATH = '/etc/pypi/config.ini';
const CONFIG = '[server]\nport = 8080\n';

const aboutConfig = findingsAbout('files', PATH);

/** A file as the files collector records it. */
function file(extra: Partial<FileInfo> = {}): FileInfo {
  const text = extra.text ?? CONFIG;
  return {
    path: PATH,
    exists: true,
    type: 'file',
    sha256: hashOf(text),
    mode: '0640',
    owner: 'root',
    group: 'pypi',
    size: text.length,
    text,
    ...extra,
  };
}
const absent: FileInfo = { path: PATH, exists: false };
const rule = (extra: Partial<FileRule>): FileRule => ({ parity: true, ...extra });

const driftOf = (fileRule: FileRule, recorded: FileInfo | undefined) =>
  filesComparator.drift!(spec({ files: { [PATH]: fileRule } }), {
    items: recorded ? { [PATH]: recorded } : {},
  });

const parityOf = (a: FileInfo | undefined, b: FileInfo | undefined, ignore?: string[]) =>
  filesComparator.parity!(
    { items: a ? { [PATH]: a } : {} },
    { items: b ? { [PATH]: b } : {} },
    pairContext(ignore),
  );

describe('files: which rules ask something of a node', () => {
  it.each([
    ['no file', {}, false],
    ['parity only', { [PATH]: rule({}) }, false],
    ['absent', { [PATH]: rule({ parity: false, present: false }) }, true],
    ['present', { [PATH]: rule({ present: true }) }, true],
    ['a hash', { [PATH]: rule({ sha256: hashOf(CONFIG) }) }, true],
    ['a mode', { [PATH]: rule({ mode: '0640' }) }, true],
    ['an owner', { [PATH]: rule({ owner: 'root' }) }, true],
    ['a group', { [PATH]: rule({ group: 'pypi' }) }, true],
    ['parity only, and a group', { '/etc/hosts': rule({}), [PATH]: rule({ group: 'pypi' }) }, true],
  ])('%s: %s', (_what, files, expected) => {
    expect(filesComparator.hasRules!(spec({ files }))).toBe(expected);
  });
});

describe('files: drift', () => {
  it('asks nothing of a file the roles want only identical on both nodes', () => {
    expect(driftOf(rule({}), undefined)).toEqual([]);
  });

  it('warns that a file the roles ask about was not recorded', () => {
    expect(driftOf(rule({ mode: '0640' }), undefined)).toStrictEqual([
      {
        category: 'files',
        key: PATH,
        kind: 'missing',
        severity: 'warning',
        message: `${PATH} was not recorded in this state: collect with --desired so the roles' files are read`,
      },
    ]);
  });

  it.each([
    ['file', file()],
    ['directory', file({ type: 'directory', mode: '0755', sha256: undefined, text: undefined })],
  ])('reports a %s that exists where the roles want it absent', (type, recorded) => {
    expect(driftOf(rule({ parity: false, present: false }), recorded)).toStrictEqual([
      aboutConfig({
        kind: 'unexpected',
        expected: 'absent',
        actual: type,
        message: `${PATH} exists, desired absent`,
      }),
    ]);
  });

  it('is satisfied by an absent file the roles want absent, whatever else the rule says', () => {
    expect(driftOf(rule({ present: false, mode: '0640' }), absent)).toEqual([]);
  });

  it.each([rule({ present: true }), rule({ mode: '0640' })])(
    'reports a file the roles want that does not exist (%j)',
    (wanted) => {
      expect(driftOf(wanted, absent)).toStrictEqual([
        aboutConfig({
          kind: 'missing',
          expected: 'present',
          message: `${PATH} does not exist`,
        }),
      ]);
    },
  );

  it.each([
    ['sha256', hashOf('[server]\nport = 80\n'), hashOf(CONFIG)],
    ['mode', '0600', '0640'],
    ['owner', 'pypi', 'root'],
    ['group', 'root', 'pypi'],
  ] as const)('reports a wrong %s, desired %s', (property, wanted, actual) => {
    expect(driftOf(rule({ [property]: wanted }), file())).toStrictEqual([
      aboutConfig({
        kind: 'mismatch',
        aspect: property,
        expected: { [property]: wanted },
        actual: { [property]: actual },
        message: `${PATH} ${property} is ${actual}, desired ${wanted}`,
      }),
    ]);
  });

  it('reports every wrong property, content first, and nothing for the right ones', () => {
    const findings = driftOf(
      rule({ group: 'root', owner: 'root', mode: '0644', sha256: hashOf('') }),
      file({ owner: 'root' }),
    );
    expect(findings.map((f) => [f.aspect, f.message])).toEqual([
      ['sha256', `${PATH} sha256 is ${hashOf(CONFIG)}, desired ${hashOf('')}`],
      ['mode', `${PATH} mode is 0640, desired 0644`],
      ['group', `${PATH} group is pypi, desired root`],
    ]);
    expect(
      driftOf(rule({ group: 'pypi', owner: 'root', mode: '0640', sha256: hashOf(CONFIG) }), file()),
    ).toEqual([]);
  });

  it('says (unknown) for a property the collector could not read', () => {
    const unreadable = file({ sha256: undefined, text: undefined, error: 'EACCES: permission denied' });
    expect(driftOf(rule({ sha256: hashOf(CONFIG) }), unreadable)).toStrictEqual([
      aboutConfig({
        kind: 'mismatch',
        aspect: 'sha256',
        expected: { sha256: hashOf(CONFIG) },
        actual: { sha256: undefined },
        message: `${PATH} sha256 is (unknown), desired ${hashOf(CONFIG)}`,
      }),
    ]);
  });

  it('checks each file of the roles against its own rule', () => {
    const findings = filesComparator.drift!(
      spec({
        files: {
          '/etc/hosts': rule({}),
          [PATH]: rule({ mode: '0640' }),
          '/etc/motd': rule({ present: false }),
        },
      }),
      { items: { [PATH]: file({ mode: '0644' }), '/etc/motd': { ...file(), path: '/etc/motd' } } },
    );
    expect(findings.map((f) => [f.key, f.kind])).toEqual([
      [PATH, 'mismatch'],
      ['/etc/motd', 'unexpected'],
    ]);
  });
});

describe('files: parity', () => {
  it('finds nothing between identical files, or a file absent on both nodes', () => {
    expect(parityOf(file(), file())).toEqual([]);
    expect(parityOf(absent, absent)).toEqual([]);
  });

  it.each([
    [file(), undefined, 'missing', 'only-first', 'primary (pypi-1)'],
    [undefined, file(), 'unexpected', 'only-second', 'secondary (pypi-2)'],
  ] as const)('warns of a path recorded on one node only (watch lists differ)', (a, b, kind, side, where) => {
    expect(parityOf(a, b)).toStrictEqual([
      {
        category: 'files',
        key: PATH,
        kind,
        side,
        severity: 'warning',
        message: `${PATH} was recorded only on ${where} (watched there only)`,
      },
    ]);
  });

  const link = file({ type: 'symlink', mode: '0777', group: 'root', target: '/srv/pypi/config.ini' });
  it.each([
    ['primary (pypi-1)', file(), absent, 'missing', 'only-first', 'file 0640 root:pypi', 'absent'],
    ['secondary (pypi-2)', absent, link, 'unexpected', 'only-second', 'absent', 'symlink 0777 root:root'],
  ] as const)('reports a file that exists on the %s only', (where, a, b, kind, side, expected, actual) => {
    expect(parityOf(a, b)).toStrictEqual([
      aboutConfig({ kind, side, expected, actual, message: `${PATH} exists only on ${where}` }),
    ]);
  });

  it('describes an entry whose type and ownership could not be read as a file', () => {
    const unknown: FileInfo = { path: PATH, exists: true, error: 'EACCES: permission denied' };
    expect(parityOf(unknown, absent).map((f) => f.expected)).toEqual(['file  :']);
  });

  it('reports differing content with a unified diff, the other differences after it', () => {
    const changed = file({ text: '[server]\nport = 80\n', mode: '0644', owner: 'pypi' });
    expect(parityOf(file(), changed)).toStrictEqual([
      aboutConfig({
        kind: 'mismatch',
        side: 'different',
        expected: { sha256: hashOf(CONFIG), mode: '0640', owner: 'root', group: 'pypi' },
        actual: { sha256: hashOf('[server]\nport = 80\n'), mode: '0644', owner: 'pypi', group: 'pypi' },
        message: `${PATH} differs: content; mode 0640 vs 0644; owner root vs pypi`,
        diff: [
          `--- pypi-1:${PATH}`,
          `+++ pypi-2:${PATH}`,
          '@@ -1,2 +1,2 @@',
          ' [server]',
          '-port = 8080',
          '+port = 80',
          '',
        ].join('\n'),
      }),
    ]);
  });

  it.each([
    ['the first', { text: undefined }, {}],
    ['the second (a sensitive file)', {}, { text: undefined, redacted: true as const }],
  ])('has no diff when %s side kept no text', (_side, first, second) => {
    const [only] = parityOf(file(first), file({ ...second, sha256: hashOf('other') }));
    expect(only?.message).toBe(`${PATH} differs: content`);
    expect(only).not.toHaveProperty('diff');
  });

  it.each([
    ['mode 0640 vs 0600', { mode: '0600' }],
    ['owner root vs pypi', { owner: 'pypi' }],
    ['group pypi vs root', { group: 'root' }],
    ['mode 0640 vs ?; group pypi vs ?', { mode: undefined, group: undefined }],
  ])('reports "%s" without a diff when only metadata differs', (differences, change) => {
    const [only, ...rest] = parityOf(file(), file(change));
    expect(rest).toEqual([]);
    expect(only?.message).toBe(`${PATH} differs: ${differences}`);
    expect(only).not.toHaveProperty('diff');
  });

  it('says ? for metadata the first side could not read', () => {
    expect(parityOf(file({ owner: undefined }), file()).map((f) => f.message)).toEqual([
      `${PATH} differs: owner ? vs root`,
    ]);
  });

  it('reports a symbolic link pointing elsewhere', () => {
    const link = (target: string) =>
      file({ type: 'symlink', mode: '0777', group: 'root', sha256: undefined, text: undefined, target });
    expect(parityOf(link('/srv/pypi/a.ini'), link('/srv/pypi/b.ini'))).toStrictEqual([
      aboutConfig({
        kind: 'mismatch',
        side: 'different',
        expected: { sha256: undefined, mode: '0777', owner: 'root', group: 'root' },
        actual: { sha256: undefined, mode: '0777', owner: 'root', group: 'root' },
        message: `${PATH} differs: link target /srv/pypi/a.ini vs /srv/pypi/b.ini`,
      }),
    ]);
  });

  it('names the link target, not the content, when a file became a link or a link a file', () => {
    const link = file({
      type: 'symlink',
      mode: '0777',
      sha256: undefined,
      text: undefined,
      target: '/srv/pypi/a.ini',
    });
    expect(parityOf(file({ mode: '0777' }), link).map((f) => [f.message, f.diff])).toEqual([
      [`${PATH} differs: link target (none) vs /srv/pypi/a.ini`, undefined],
    ]);
    expect(parityOf(link, file({ mode: '0777' })).map((f) => [f.message, f.diff])).toEqual([
      [`${PATH} differs: link target /srv/pypi/a.ini vs (none)`, undefined],
    ]);
  });

  it('skips the paths the pair ignores', () => {
    expect(parityOf(file(), file({ mode: '0600' }), ['/etc/pypi/*'])).toEqual([]);
    expect(parityOf(file(), undefined, ['/etc/pypi/*'])).toEqual([]);
  });
});
