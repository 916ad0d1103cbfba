import { state, unit, units } from '../../test/helpers/states';
import type { Fix } from '../model/plan';
import type { FileInfo, NodeState } from '../model/state';
import { sha256Hex } from '../shared/canonical-json';
import { renderNodeFixes } from './render';
import type { FileEdit, FixDraft } from './types';

const sha = (text: string): string => `sha256:${sha256Hex(text)}`;

const HEADER =
  '# Managed by driftguard: written to match the desired state or the pair primary.\n' +
  '# Change the desired state rather than this file; driftguard edits it line by line.\n';
const SYSCTL = '/etc/sysctl.d/90-driftguard.conf';
const DROP_IN = '/etc/systemd/system/web.service.d/50-driftguard.conf';

const file = (path: string, text: string, extra: Partial<FileInfo> = {}): FileInfo => ({
  path,
  exists: true,
  type: 'file',
  text,
  sha256: sha(text),
  mode: '0644',
  owner: 'root',
  group: 'root',
  ...extra,
});

const absent = (path: string): FileInfo => ({ path, exists: false });

/** A state whose files category holds exactly `infos`. */
const withFiles = (...infos: FileInfo[]): NodeState =>
  state('b', { files: { items: Object.fromEntries(infos.map((info) => [info.path, info])) } });

const draft = (extra: Partial<FixDraft> = {}): FixDraft => ({
  category: 'files',
  key: '/etc/app.conf',
  action: 'change',
  description: 'make it so',
  addresses: ['files|/etc/app.conf|mismatch|content|'],
  ...extra,
});

/** The one fix of one draft of `edits`. */
function renderOne(nodeState: NodeState, ...edits: FileEdit[]): Fix {
  const [fix] = renderNodeFixes('b', [draft({ edits })], nodeState);
  if (!fix) throw new Error('no fix');
  return fix;
}

/** The fix a draft becomes when its files cannot be worked out. */
const byHand = (reason: string, extra: Partial<Fix> = {}): Fix => ({
  id: 'b/files//etc/app.conf',
  node: 'b',
  category: 'files',
  key: '/etc/app.conf',
  action: 'advice',
  description: 'make it so — by hand',
  files: [],
  commands: [],
  addresses: ['files|/etc/app.conf|mismatch|content|'],
  reason,
  ...extra,
});

describe('fix ids', () => {
  it('are NODE/category/key with the part, a repeated id numbered from its second fix on', () => {
    const fixes = renderNodeFixes(
      'b',
      [
        draft({ action: 'advice' }),
        draft({ action: 'advice' }),
        draft({ action: 'advice', category: 'units', key: 'web.service', part: 'ordering' }),
        draft({ action: 'advice', category: 'units', key: 'web.service', part: 'ordering' }),
        draft({ action: 'advice', category: 'units', key: 'web.service', part: 'ordering' }),
        draft({ action: 'advice', category: 'units', key: 'web.service' }),
      ],
      state('b'),
    );
    expect(fixes.map((f) => f.id)).toEqual([
      'b/files//etc/app.conf',
      'b/files//etc/app.conf#2',
      'b/units/web.service#ordering',
      'b/units/web.service#ordering#2',
      'b/units/web.service#ordering#3',
      'b/units/web.service',
    ]);
  });
});

describe('drafts without file edits', () => {
  it('carry advice over as it is, its edits left alone: reason, suggested commands, no files', () => {
    const advice = draft({
      action: 'advice',
      reason: 'a person decides',
      commands: [['cat', '/etc/app.conf']],
      edits: [{ kind: 'content', path: '/etc/app.conf', text: 'port = 80\n' }],
    });
    expect(renderNodeFixes('b', [advice], withFiles(file('/etc/app.conf', 'port = 8080\n')))).toStrictEqual([
      {
        id: 'b/files//etc/app.conf',
        node: 'b',
        category: 'files',
        key: '/etc/app.conf',
        action: 'advice',
        description: 'make it so',
        files: [],
        commands: [['cat', '/etc/app.conf']],
        addresses: ['files|/etc/app.conf|mismatch|content|'],
        reason: 'a person decides',
      },
    ]);
  });

  it('make a change of commands alone, with reloadSystemd only when the draft asks for it', () => {
    const fixes = renderNodeFixes(
      'b',
      [
        draft({
          category: 'sysctls',
          key: 'vm.swappiness',
          commands: [['sysctl', '-w', 'vm.swappiness=10']],
        }),
        draft({ category: 'units', key: 'web.service', edits: [], reloadSystemd: true }),
        draft({ category: 'units', key: 'db.service', reloadSystemd: false }),
      ],
      state('b'),
    );
    expect(fixes).toStrictEqual([
      {
        id: 'b/sysctls/vm.swappiness',
        node: 'b',
        category: 'sysctls',
        key: 'vm.swappiness',
        action: 'change',
        description: 'make it so',
        files: [],
        commands: [['sysctl', '-w', 'vm.swappiness=10']],
        addresses: ['files|/etc/app.conf|mismatch|content|'],
      },
      {
        id: 'b/units/web.service',
        node: 'b',
        category: 'units',
        key: 'web.service',
        action: 'change',
        description: 'make it so',
        files: [],
        commands: [],
        addresses: ['files|/etc/app.conf|mismatch|content|'],
        reloadSystemd: true,
      },
      {
        id: 'b/units/db.service',
        node: 'b',
        category: 'units',
        key: 'db.service',
        action: 'change',
        description: 'make it so',
        files: [],
        commands: [],
        addresses: ['files|/etc/app.conf|mismatch|content|'],
      },
    ]);
  });
});

describe('whole-file content', () => {
  it('replaces an existing file, its attributes kept: before, after, their checksum and diff', () => {
    const fix = renderOne(withFiles(file('/etc/app.conf', 'port = 8080\n')), {
      kind: 'content',
      path: '/etc/app.conf',
      text: 'port = 80\n',
    });
    expect(fix).toStrictEqual({
      id: 'b/files//etc/app.conf',
      node: 'b',
      category: 'files',
      key: '/etc/app.conf',
      action: 'change',
      description: 'make it so',
      files: [
        {
          path: '/etc/app.conf',
          beforeSha256: sha('port = 8080\n'),
          before: 'port = 8080\n',
          after: 'port = 80\n',
          diff: [
            '--- now:/etc/app.conf',
            '+++ after:/etc/app.conf',
            '@@ -1,1 +1,1 @@',
            '-port = 8080',
            '+port = 80',
            '',
          ].join('\n'),
        },
      ],
      commands: [],
      addresses: ['files|/etc/app.conf|mismatch|content|'],
    });
  });

  it('creates a file recorded absent with mode 0644 and root ownership, and says so', () => {
    expect(
      renderOne(withFiles(absent('/etc/app.conf')), { kind: 'content', path: '/etc/app.conf', text: 'a\n' })
        .files,
    ).toStrictEqual([
      {
        path: '/etc/app.conf',
        beforeSha256: null,
        after: 'a\n',
        mode: '0644',
        owner: 'root',
        group: 'root',
        diff: [
          '--- new:/etc/app.conf',
          '+++ after:/etc/app.conf',
          '@@ -0,0 +1,1 @@',
          '+a',
          '# /etc/app.conf: new file, mode 0644, owner root:root',
          '',
        ].join('\n'),
      },
    ]);
  });

  it('creates a file with the attributes the edit gives', () => {
    expect(
      renderOne(withFiles(absent('/etc/app.conf')), {
        kind: 'content',
        path: '/etc/app.conf',
        text: 'a\n',
        mode: '0600',
        owner: 'app',
        group: 'adm',
      }).files[0],
    ).toMatchObject({
      mode: '0600',
      owner: 'app',
      group: 'adm',
      diff: expect.stringMatching(/\n# \/etc\/app\.conf: new file, mode 0600, owner app:adm\n$/) as unknown,
    });
  });

  it('sets the mode and ownership that differ, and lists each change after the text diff', () => {
    const fix = renderOne(withFiles(file('/etc/app.conf', 'x\n')), {
      kind: 'content',
      path: '/etc/app.conf',
      text: 'y\n',
      mode: '0640',
      owner: 'app',
      group: 'app',
    });
    expect(fix.files).toStrictEqual([
      {
        path: '/etc/app.conf',
        beforeSha256: sha('x\n'),
        before: 'x\n',
        after: 'y\n',
        mode: '0640',
        owner: 'app',
        group: 'app',
        diff: [
          '--- now:/etc/app.conf',
          '+++ after:/etc/app.conf',
          '@@ -1,1 +1,1 @@',
          '-x',
          '+y',
          '# /etc/app.conf: mode 0644 → 0640, owner root:root → app:app',
          '',
        ].join('\n'),
      },
    ]);
  });

  it('names the owner or the group alone when only it changes, the rest left unset', () => {
    const owner = renderOne(withFiles(file('/etc/app.conf', 'x\n')), {
      kind: 'content',
      path: '/etc/app.conf',
      text: 'x\n',
      owner: 'app',
    });
    expect(owner.files).toStrictEqual([
      {
        path: '/etc/app.conf',
        beforeSha256: sha('x\n'),
        before: 'x\n',
        owner: 'app',
        diff: '# /etc/app.conf: owner root:root → app:root\n',
      },
    ]);
    const group = renderOne(withFiles(file('/etc/app.conf', 'x\n')), {
      kind: 'content',
      path: '/etc/app.conf',
      text: 'x\n',
      group: 'app',
    });
    expect(group.files).toStrictEqual([
      {
        path: '/etc/app.conf',
        beforeSha256: sha('x\n'),
        before: 'x\n',
        group: 'app',
        diff: '# /etc/app.conf: owner root:root → root:app\n',
      },
    ]);
  });

  it('writes no content and shows no text diff when only the mode changes', () => {
    expect(
      renderOne(withFiles(file('/etc/app.conf', 'x\n')), {
        kind: 'content',
        path: '/etc/app.conf',
        text: 'x\n',
        mode: '0600',
      }).files,
    ).toStrictEqual([
      {
        path: '/etc/app.conf',
        beforeSha256: sha('x\n'),
        before: 'x\n',
        mode: '0600',
        diff: '# /etc/app.conf: mode 0644 → 0600\n',
      },
    ]);
  });

  it("keeps the file's own attributes when the edit gives none", () => {
    const fix = renderOne(
      withFiles(file('/etc/app.conf', 'x\n', { mode: '0600', owner: 'app', group: 'adm' })),
      {
        kind: 'content',
        path: '/etc/app.conf',
        text: 'y\n',
      },
    );
    expect(fix.files[0]).toStrictEqual({
      path: '/etc/app.conf',
      beforeSha256: sha('x\n'),
      before: 'x\n',
      after: 'y\n',
      diff: '--- now:/etc/app.conf\n+++ after:/etc/app.conf\n@@ -1,1 +1,1 @@\n-x\n+y\n',
    });
  });

  it('replaces a file whose text the state lacks (binary, redacted) without ever showing a before', () => {
    const binary = file('/etc/app.conf', 'x\n', { text: undefined });
    const redacted = file('/etc/app.conf', 'password = <redacted sha256:0123…>\n', {
      sha256: sha('password = hunter2\n'),
      redacted: true,
    });
    for (const recorded of [binary, redacted]) {
      expect(
        renderOne(withFiles(recorded), { kind: 'content', path: '/etc/app.conf', text: 'y\n' }).files,
      ).toStrictEqual([
        {
          path: '/etc/app.conf',
          beforeSha256: recorded.sha256,
          after: 'y\n',
          diff: '--- now:/etc/app.conf\n+++ after:/etc/app.conf\n@@ -0,0 +1,1 @@\n+y\n',
        },
      ]);
    }
  });
});

describe("a copy of the primary's file", () => {
  const from = { node: 'a', sha256: sha('secret = 1\n') };

  it('copies at apply time: the source and its checksum, never its text', () => {
    expect(
      renderOne(withFiles(file('/etc/app.conf', 'secret = 2\n')), {
        kind: 'copy',
        path: '/etc/app.conf',
        from,
      }).files,
    ).toStrictEqual([
      {
        path: '/etc/app.conf',
        beforeSha256: sha('secret = 2\n'),
        before: 'secret = 2\n',
        copyFrom: from,
        diff: `# /etc/app.conf: content of a's file (${from.sha256.slice(0, 19)}…), copied at apply time, not shown\n`,
      },
    ]);
    expect(from.sha256.slice(0, 19)).toMatch(/^sha256:[0-9a-f]{12}$/);
  });

  it('creates a missing file with the attributes given, the copy and the new file both said', () => {
    expect(
      renderOne(withFiles(absent('/etc/app.conf')), {
        kind: 'copy',
        path: '/etc/app.conf',
        from,
        mode: '0600',
      }).files,
    ).toStrictEqual([
      {
        path: '/etc/app.conf',
        beforeSha256: null,
        copyFrom: from,
        mode: '0600',
        owner: 'root',
        group: 'root',
        diff:
          `# /etc/app.conf: content of a's file (${from.sha256.slice(0, 19)}…), copied at apply time, not shown\n` +
          '# /etc/app.conf: new file, mode 0600, owner root:root\n',
      },
    ]);
  });

  it('copies nothing when the file already has that content: only the mode changes', () => {
    expect(
      renderOne(withFiles(file('/etc/app.conf', 'secret = 1\n', { text: undefined })), {
        kind: 'copy',
        path: '/etc/app.conf',
        from,
        mode: '0600',
      }).files,
    ).toStrictEqual([
      {
        path: '/etc/app.conf',
        beforeSha256: from.sha256,
        mode: '0600',
        diff: '# /etc/app.conf: mode 0644 → 0600\n',
      },
    ]);
  });
});

describe('mode and ownership only', () => {
  it('changes what the edit gives and keeps the content', () => {
    expect(
      renderOne(withFiles(file('/etc/app.conf', 'x\n')), {
        kind: 'attributes',
        path: '/etc/app.conf',
        mode: '0640',
        group: 'app',
      }).files,
    ).toStrictEqual([
      {
        path: '/etc/app.conf',
        beforeSha256: sha('x\n'),
        before: 'x\n',
        mode: '0640',
        group: 'app',
        diff: '# /etc/app.conf: mode 0644 → 0640, owner root:root → root:app\n',
      },
    ]);
    expect(
      renderOne(withFiles(file('/etc/app.conf', 'x\n')), {
        kind: 'attributes',
        path: '/etc/app.conf',
        owner: 'app',
      }).files[0]?.diff,
    ).toBe('# /etc/app.conf: owner root:root → app:root\n');
  });

  it('is done by hand when the file does not exist or is not recorded', () => {
    const edit: FileEdit = { kind: 'attributes', path: '/etc/app.conf', mode: '0600' };
    expect(renderOne(withFiles(absent('/etc/app.conf')), edit)).toStrictEqual(
      byHand('/etc/app.conf does not exist'),
    );
    expect(renderOne(withFiles(), edit)).toStrictEqual(byHand('/etc/app.conf does not exist'));
  });
});

describe('removal', () => {
  it('removes a file, the diff showing every line going', () => {
    expect(
      renderOne(withFiles(file('/etc/app.conf', 'a\nb\n')), { kind: 'remove', path: '/etc/app.conf' }).files,
    ).toStrictEqual([
      {
        path: '/etc/app.conf',
        beforeSha256: sha('a\nb\n'),
        before: 'a\nb\n',
        remove: true,
        diff: '--- now:/etc/app.conf\n+++ removed:/etc/app.conf\n@@ -1,2 +0,0 @@\n-a\n-b\n',
      },
    ]);
  });

  it('removes a file whose text the state lacks with no diff, and a file already absent checked as absent', () => {
    expect(
      renderOne(withFiles(file('/etc/app.conf', 'a\n', { text: undefined })), {
        kind: 'remove',
        path: '/etc/app.conf',
      }).files,
    ).toStrictEqual([{ path: '/etc/app.conf', beforeSha256: sha('a\n'), remove: true }]);
    expect(
      renderOne(withFiles(absent('/etc/app.conf')), { kind: 'remove', path: '/etc/app.conf' }).files,
    ).toStrictEqual([{ path: '/etc/app.conf', beforeSha256: null, remove: true }]);
  });
});

describe('fstab', () => {
  const fstab = '# static\n/dev/sda1 / ext4 errors=remount-ro 0 1\n/dev/drbd0 /srv ext4 defaults 0 2\n';

  it('edits one line of the recorded fstab, every other byte kept', () => {
    expect(
      renderOne(withFiles(file('/etc/fstab', fstab)), {
        kind: 'fstab-line',
        line: 3,
        fields: { options: { add: ['noauto'], remove: [] } },
      }).files,
    ).toStrictEqual([
      {
        path: '/etc/fstab',
        beforeSha256: sha(fstab),
        before: fstab,
        after: fstab.replace('defaults 0 2', 'defaults,noauto 0 2'),
        diff: [
          '--- now:/etc/fstab',
          '+++ after:/etc/fstab',
          '@@ -1,3 +1,3 @@',
          ' # static',
          ' /dev/sda1 / ext4 errors=remount-ro 0 1',
          '-/dev/drbd0 /srv ext4 defaults 0 2',
          '+/dev/drbd0 /srv ext4 defaults,noauto 0 2',
          '',
        ].join('\n'),
      },
    ]);
  });

  it('appends a line, keeping the attributes of the file', () => {
    const [change] = renderOne(withFiles(file('/etc/fstab', fstab, { mode: '0664' })), {
      kind: 'fstab-append',
      text: 'nas:/x /mnt/x nfs ro 0 0',
    }).files;
    expect(change).toStrictEqual({
      path: '/etc/fstab',
      beforeSha256: sha(fstab),
      before: fstab,
      after: `${fstab}nas:/x /mnt/x nfs ro 0 0\n`,
      diff: [
        '--- now:/etc/fstab',
        '+++ after:/etc/fstab',
        '@@ -1,3 +1,4 @@',
        ' # static',
        ' /dev/sda1 / ext4 errors=remount-ro 0 1',
        ' /dev/drbd0 /srv ext4 defaults 0 2',
        '+nas:/x /mnt/x nfs ro 0 0',
        '',
      ].join('\n'),
    });
  });

  it('creates an fstab recorded absent with mode 0644 and root ownership', () => {
    expect(
      renderOne(withFiles(absent('/etc/fstab')), { kind: 'fstab-append', text: 'nas:/x /mnt/x nfs ro 0 0' })
        .files,
    ).toStrictEqual([
      {
        path: '/etc/fstab',
        beforeSha256: null,
        after: 'nas:/x /mnt/x nfs ro 0 0\n',
        mode: '0644',
        owner: 'root',
        group: 'root',
        diff: [
          '--- new:/etc/fstab',
          '+++ after:/etc/fstab',
          '@@ -0,0 +1,1 @@',
          '+nas:/x /mnt/x nfs ro 0 0',
          '# /etc/fstab: new file, mode 0644, owner root:root',
          '',
        ].join('\n'),
      },
    ]);
  });

  it('is done by hand when fstab is not recorded, or its text is not the file’s', () => {
    const append: FileEdit = { kind: 'fstab-append', text: 'nas:/x /mnt/x nfs ro 0 0' };
    expect(renderOne(withFiles(), append)).toStrictEqual(
      byHand('/etc/fstab is not recorded in the state (collect it with --desired)'),
    );
    expect(renderOne(withFiles(file('/etc/fstab', fstab, { redacted: true })), append)).toStrictEqual(
      byHand('the state holds no text of /etc/fstab (binary, large, secret or redacted)'),
    );
  });

  it('leaves to a person, rather than guess, a line the recorded fstab does not have or that is no entry', () => {
    const states = withFiles(file('/etc/fstab', fstab));
    expect(renderOne(states, { kind: 'fstab-line', line: 9, fields: { passno: 0 } })).toStrictEqual(
      byHand('/etc/fstab as recorded does not hold the entry at line 9: the file has no line 9'),
    );
    expect(renderOne(states, { kind: 'fstab-line', line: 1, fields: { passno: 0 } })).toStrictEqual(
      byHand(
        `/etc/fstab as recorded does not hold the entry at line 1: not an fstab entry: ${JSON.stringify(fstab.split('\n')[0])}`,
      ),
    );
  });
});

describe("driftguard's own files", () => {
  it('creates the managed sysctl file where the files category shows none under /etc/sysctl.d', () => {
    expect(
      renderOne(withFiles(), { kind: 'sysctl-set', key: 'kernel.panic', value: '10' }).files,
    ).toStrictEqual([
      {
        path: SYSCTL,
        beforeSha256: null,
        after: `${HEADER}kernel.panic = 10\n`,
        mode: '0644',
        owner: 'root',
        group: 'root',
        diff: [
          `--- new:${SYSCTL}`,
          `+++ after:${SYSCTL}`,
          '@@ -0,0 +1,3 @@',
          ...HEADER.trimEnd()
            .split('\n')
            .map((line) => `+${line}`),
          '+kernel.panic = 10',
          `# ${SYSCTL}: new file, mode 0644, owner root:root`,
          '',
        ].join('\n'),
      },
    ]);
  });

  it('edits the recorded managed sysctl file, keeping its attributes', () => {
    const text = `${HEADER}kernel.panic = 5\n`;
    const fix = renderOne(withFiles(file(SYSCTL, text, { mode: '0600', owner: 'root', group: 'adm' })), {
      kind: 'sysctl-set',
      key: 'kernel.panic',
      value: '10',
    });
    expect(fix.files).toStrictEqual([
      {
        path: SYSCTL,
        beforeSha256: sha(text),
        before: text,
        after: `${HEADER}kernel.panic = 10\n`,
        diff: [
          `--- now:${SYSCTL}`,
          `+++ after:${SYSCTL}`,
          '@@ -1,3 +1,3 @@',
          ...HEADER.trimEnd()
            .split('\n')
            .map((line) => ` ${line}`),
          '-kernel.panic = 5',
          '+kernel.panic = 10',
          '',
        ].join('\n'),
      },
    ]);
  });

  it('is done by hand in a state without the files category: nothing is known of the file', () => {
    expect(renderOne(state('b'), { kind: 'sysctl-set', key: 'kernel.panic', value: '10' })).toStrictEqual(
      byHand(`${SYSCTL} is not recorded in the state (collect it with --desired)`),
    );
  });

  it("creates a unit's drop-in the unit does not have, the unit itself unknown or not", () => {
    const lines = [{ directive: 'After', units: ['srv.mount'] }];
    const expected = [
      {
        path: DROP_IN,
        beforeSha256: null,
        after: `${HEADER}[Unit]\nAfter=srv.mount\n`,
        mode: '0644',
        owner: 'root',
        group: 'root',
        diff: [
          `--- new:${DROP_IN}`,
          `+++ after:${DROP_IN}`,
          '@@ -0,0 +1,4 @@',
          ...HEADER.trimEnd()
            .split('\n')
            .map((line) => `+${line}`),
          '+[Unit]',
          '+After=srv.mount',
          `# ${DROP_IN}: new file, mode 0644, owner root:root`,
          '',
        ].join('\n'),
      },
    ];
    const withUnit = state('b', {
      files: { items: {} },
      units: units(unit('web.service', { dropIns: ['/etc/systemd/system/web.service.d/override.conf'] })),
    });
    expect(renderOne(withUnit, { kind: 'drop-in', unit: 'web.service', lines }).files).toStrictEqual(
      expected,
    );
    expect(renderOne(withFiles(), { kind: 'drop-in', unit: 'web.service', lines }).files).toStrictEqual(
      expected,
    );
  });

  it("appends to the unit's recorded drop-in", () => {
    const text = '[Unit]\nAfter=a.mount\n';
    const recorded = state('b', {
      files: { items: { [DROP_IN]: file(DROP_IN, text) } },
      units: units(unit('web.service', { dropIns: [DROP_IN] })),
    });
    expect(
      renderOne(recorded, {
        kind: 'drop-in',
        unit: 'web.service',
        lines: [{ directive: 'After', units: ['b.mount'] }],
      }).files[0]?.after,
    ).toBe('[Unit]\nAfter=a.mount\nAfter=b.mount\n');
  });

  it('is done by hand when the unit has the drop-in but the files category did not record it', () => {
    const unrecorded = state('b', {
      files: { items: {} },
      units: units(unit('web.service', { dropIns: [DROP_IN] })),
    });
    expect(
      renderOne(unrecorded, {
        kind: 'drop-in',
        unit: 'web.service',
        lines: [{ directive: 'After', units: ['b.mount'] }],
      }),
    ).toStrictEqual(byHand(`${DROP_IN} is not recorded in the state (collect it with --desired)`));
  });

  it('is done by hand in a state without the files category, whatever the units say', () => {
    const unitsOnly = state('b', { units: units(unit('web.service')) });
    expect(
      renderOne(unitsOnly, {
        kind: 'drop-in',
        unit: 'web.service',
        lines: [{ directive: 'After', units: ['b.mount'] }],
      }),
    ).toStrictEqual(byHand(`${DROP_IN} is not recorded in the state (collect it with --desired)`));
  });
});

describe('files the state does not record', () => {
  it('are absent when a built-in glob watch covers them (/etc/drbd.d/*): they can be created', () => {
    expect(
      renderOne(withFiles(), { kind: 'content', path: '/etc/drbd.d/r1.res', text: 'resource r1 {}\n' })
        .files[0],
    ).toMatchObject({ path: '/etc/drbd.d/r1.res', beforeSha256: null, after: 'resource r1 {}\n' });
  });

  it('are unknown outside the glob watches: a hidden name, a sub-folder, a literal watch, any other path', () => {
    for (const path of ['/etc/drbd.d/.r1.res.swp', '/etc/drbd.d/sub/r1.res', '/etc/hosts', '/etc/app.conf']) {
      expect(renderOne(withFiles(), { kind: 'content', path, text: 'x\n' })).toStrictEqual(
        byHand(`${path} is not recorded in the state (collect it with --desired)`),
      );
    }
  });

  it('are unknown, even under a glob watch, in a state without the files category', () => {
    expect(renderOne(state('b'), { kind: 'content', path: '/etc/drbd.d/r1.res', text: 'x\n' })).toStrictEqual(
      byHand('/etc/drbd.d/r1.res is not recorded in the state (collect it with --desired)'),
    );
  });

  it('cannot be changed when the state recorded no checksum of an existing file', () => {
    expect(
      renderOne(withFiles(file('/etc/app.conf', 'x\n', { sha256: undefined })), {
        kind: 'content',
        path: '/etc/app.conf',
        text: 'y\n',
      }),
    ).toStrictEqual(
      byHand('the state holds no checksum of /etc/app.conf: a change could not be checked before writing'),
    );
  });
});

describe('several edits and fixes of one file', () => {
  it('shows a file two edits of one fix change once, from before the first to after the last', () => {
    const fix = renderOne(
      withFiles(),
      { kind: 'sysctl-set', key: 'kernel.panic', value: '10' },
      { kind: 'content', path: '/etc/drbd.d/r1.res', text: 'r1\n' },
      { kind: 'sysctl-set', key: 'kernel.panic_on_oops', value: '1' },
    );
    expect(fix.files.map((f) => [f.path, f.beforeSha256, f.after])).toEqual([
      [SYSCTL, null, `${HEADER}kernel.panic = 10\nkernel.panic_on_oops = 1\n`],
      ['/etc/drbd.d/r1.res', null, 'r1\n'],
    ]);
  });

  it('starts each fix from what the fixes before it wrote', () => {
    const [first, second] = renderNodeFixes(
      'b',
      [
        draft({
          category: 'sysctls',
          key: 'kernel.panic',
          edits: [{ kind: 'sysctl-set', key: 'kernel.panic', value: '10' }],
        }),
        draft({
          category: 'sysctls',
          key: 'kernel.panic_on_oops',
          edits: [{ kind: 'sysctl-set', key: 'kernel.panic_on_oops', value: '1' }],
        }),
      ],
      withFiles(),
    );
    const written = `${HEADER}kernel.panic = 10\n`;
    expect(first?.files[0]?.after).toBe(written);
    expect(second?.files).toStrictEqual([
      {
        path: SYSCTL,
        beforeSha256: sha(written),
        before: written,
        after: `${written}kernel.panic_on_oops = 1\n`,
        diff: [
          `--- now:${SYSCTL}`,
          `+++ after:${SYSCTL}`,
          '@@ -1,3 +1,4 @@',
          ...written
            .trimEnd()
            .split('\n')
            .map((line) => ` ${line}`),
          '+kernel.panic_on_oops = 1',
          '',
        ].join('\n'),
      },
    ]);
  });

  it('starts from the file a fix wrote whole: a later fix changes its mode', () => {
    const [, second] = renderNodeFixes(
      'b',
      [
        draft({ edits: [{ kind: 'content', path: '/etc/app.conf', text: 'port = 81\n' }] }),
        draft({ part: 'attributes', edits: [{ kind: 'attributes', path: '/etc/app.conf', mode: '0600' }] }),
      ],
      withFiles(file('/etc/app.conf', 'port = 80\n')),
    );
    expect(second).toStrictEqual({
      id: 'b/files//etc/app.conf#attributes',
      node: 'b',
      category: 'files',
      key: '/etc/app.conf',
      action: 'change',
      description: 'make it so',
      files: [
        {
          path: '/etc/app.conf',
          beforeSha256: sha('port = 81\n'),
          before: 'port = 81\n',
          mode: '0600',
          diff: '# /etc/app.conf: mode 0644 → 0600\n',
        },
      ],
      commands: [],
      addresses: ['files|/etc/app.conf|mismatch|content|'],
    });
  });

  it('starts from the file a fix removed: a later fix creates it anew', () => {
    const [, second] = renderNodeFixes(
      'b',
      [
        draft({ edits: [{ kind: 'remove', path: '/etc/app.conf' }] }),
        draft({ part: 'again', edits: [{ kind: 'content', path: '/etc/app.conf', text: 'port = 81\n' }] }),
      ],
      withFiles(file('/etc/app.conf', 'port = 80\n', { mode: '0600' })),
    );
    expect(second?.files).toStrictEqual([
      {
        path: '/etc/app.conf',
        beforeSha256: null,
        after: 'port = 81\n',
        mode: '0644',
        owner: 'root',
        group: 'root',
        diff: [
          '--- new:/etc/app.conf',
          '+++ after:/etc/app.conf',
          '@@ -0,0 +1,1 @@',
          '+port = 81',
          '# /etc/app.conf: new file, mode 0644, owner root:root',
          '',
        ].join('\n'),
      },
    ]);
  });

  it('makes a fix whose later edit cannot be worked out advice, and forgets what its earlier edits wrote', () => {
    const fixes = renderNodeFixes(
      'b',
      [
        draft({
          commands: [['sysctl', '-w', 'kernel.panic=10']],
          reloadSystemd: true,
          reason: 'replaced',
          edits: [
            { kind: 'sysctl-set', key: 'kernel.panic', value: '10' },
            { kind: 'fstab-append', text: 'nas:/x /mnt/x nfs ro 0 0' },
          ],
        }),
        draft({
          category: 'sysctls',
          key: 'vm.swappiness',
          edits: [{ kind: 'sysctl-set', key: 'vm.swappiness', value: '10' }],
        }),
      ],
      withFiles(),
    );
    expect(fixes[0]).toStrictEqual(
      byHand('/etc/fstab is not recorded in the state (collect it with --desired)', { reloadSystemd: true }),
    );
    expect(fixes[1]?.files.map((f) => [f.beforeSha256, f.after])).toEqual([
      [null, `${HEADER}vm.swappiness = 10\n`],
    ]);
  });
});
