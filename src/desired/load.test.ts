import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DesiredStateError, formatIssue } from '../shared/errors';
import type { Desired } from '../model/desired';
import { desiredFromFiles, loadDesired } from './load';
import { displayPath, MAX_FILE_BYTES, MAX_FOLDER_BYTES } from './read-folder';

const FIXTURES = path.join(__dirname, '../../test/fixtures/desired');
const VALID = path.join(FIXTURES, 'valid');
/** As issues name them: relative to the working directory (jest runs from the repository root). */
const SHOWN = path.relative(process.cwd(), path.join(FIXTURES, 'broken'));

function loadError(run: () => unknown): DesiredStateError {
  try {
    run();
  } catch (err) {
    if (err instanceof DesiredStateError) return err;
    throw err;
  }
  throw new Error('expected a DesiredStateError, but it loaded');
}

/** Each issue as `file:line:col: message`, the way `driftguard validate` prints them. */
function problemsOf(broken: string): string[] {
  return loadError(() => loadDesired(path.join(FIXTURES, 'broken', broken))).issues.map(formatIssue);
}

/** The `file:line:col` of each issue. */
function placesOf(broken: string): string[] {
  return problemsOf(broken).map((line) => line.slice(0, line.indexOf(': ')));
}

describe('loadDesired on the DESIGN §6 example split into files', () => {
  let desired: Desired;
  beforeEach(() => {
    desired = loadDesired(VALID);
  });

  it('loads every kind from every *.yaml/*.yml file directly in the folder', () => {
    expect(Object.keys(desired.roles)).toEqual(['base', 'pypi-backend']);
    expect(Object.keys(desired.nodes)).toEqual(['pypi-1', 'pypi-2']);
    expect(Object.keys(desired.pairs)).toEqual(['pypi']);
    expect(Object.keys(desired.schedules).sort()).toEqual(['hourly-audit', 'nightly-enforce']);
    expect(desired.dir).toBe(VALID);
  });

  it('ignores subfolders, dotfiles and non-YAML files (they hold invalid YAML that would fail)', () => {
    expect(fs.existsSync(path.join(VALID, 'old/ignored.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(VALID, '.editor-swap.yaml'))).toBe(true);
  });

  it('normalises package rules, sysctl values, modes, hashes and durations', () => {
    const role = desired.roles['pypi-backend'];
    const base = desired.roles['base'];
    expect(role?.packages['python3']).toMatchObject({ state: 'present', relation: '>=', version: '3.11' });
    expect(role?.packages['python3-psycopg2']).toMatchObject({
      state: 'present',
      relation: '=',
      version: '2.9.5-1+b1',
    });
    expect(role?.packages['drbd-utils']).toEqual({
      state: 'present',
      at: { file: rel('valid/20-pypi.yaml'), line: 5, col: 3 },
    });
    expect(base?.packages['telnetd']?.state).toBe('absent');
    expect(role?.sysctls['kernel.panic']?.value).toBe('10');
    expect(base?.sysctls['net.ipv4.ip_local_port_range']?.value).toBe('32768 60999');
    expect(role?.files['/etc/pypi/config.ini']).toMatchObject({
      sha256: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      mode: '0640',
      owner: 'pypi',
      present: true,
      parity: false,
    });
    expect(base?.files['/etc/ssh/sshd_config']?.mode).toBe('0644');
    expect(role?.files['/etc/drbd.d/r0.res']).toEqual({
      parity: true,
      at: { file: rel('valid/20-pypi.yaml'), line: 22, col: 3 },
    });
    expect(role?.mounts['/srv/pypi']).toMatchObject({
      device: '/dev/drbd0',
      fstype: 'ext4',
      options: ['noauto'],
      failover: true,
    });
    expect(role?.units['pypi-web.service']).toMatchObject({ enabled: true, after: ['srv-pypi.mount'] });
    expect(role?.units['drbd.service']).toMatchObject({ enabled: true, after: [] });
    expect(role?.users['pypi']).toMatchObject({ uid: 990, present: true });
  });

  it('fills defaults: ssh port 22 and user root, audit mode, minRatio and maxReportAge', () => {
    expect(desired.nodes['pypi-1']?.ssh).toEqual({ host: '10.0.0.11', port: 22, user: 'root' });
    expect(desired.nodes['pypi-2']?.ssh).toEqual({ host: '10.0.0.12', port: 22, user: 'root' });
    expect(desired.nodes['pypi-2']?.probes).toEqual([
      { name: 'bmc', tcp: '10.0.1.12:623' },
      { name: 'ssh', tcp: '[fd00::12]:22' },
    ]);
    expect(desired.pairs['pypi']).toMatchObject({
      primary: 'pypi-1',
      secondary: 'pypi-2',
      parity: {
        ignore: { packages: ['linux-image-*'], sysctls: ['kernel.hostname', 'net.ipv4.conf.*.rp_filter'] },
      },
      capacity: { minRatio: 1 },
      readiness: { maxReportAgeMs: 600_000 },
    });
    expect(desired.schedules['nightly-enforce']).toMatchObject({
      cron: '0 3 * * *',
      targets: ['pair:pypi'],
      mode: 'enforce',
    });
    expect(desired.schedules['hourly-audit']?.mode).toBe('audit');
  });

  it('places every declaration at its name, 1-based, relative to the working directory', () => {
    expect(desired.nodes['pypi-2']?.at).toEqual({ file: rel('valid/30-nodes.yaml'), line: 8, col: 7 });
    expect(desired.pairs['pypi']?.at).toEqual({ file: rel('valid/40-pairs.yml'), line: 2, col: 7 });
  });

  it('hashes the loaded files: equal for equal content, different when one byte changes', () => {
    const files = fs
      .readdirSync(VALID)
      .filter((f) => /^[^.].*\.ya?ml$/.test(f))
      .sort();
    const texts = files.map((f) => ({ file: f, text: fs.readFileSync(path.join(VALID, f), 'utf8') }));
    expect(desiredFromFiles('x', texts).hash).toBe(desired.hash);
    const changed = texts.map((t, i) =>
      i === 0 ? { ...t, text: t.text.replace('kernel.panic: 10', 'kernel.panic: 11') } : t,
    );
    expect(desiredFromFiles('x', changed).hash).not.toBe(desired.hash);
    expect(desired.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('loadDesired refuses a broken folder, naming file:line:col of every problem', () => {
  it('a missing folder, and a folder without YAML files', () => {
    const missing = loadError(() => loadDesired(path.join(FIXTURES, 'no-such-folder')));
    expect(missing.code).toBe('E_DESIRED_INVALID');
    expect(missing.issues.map((i) => i.message)).toEqual([
      `desired-state folder \`${path.relative(process.cwd(), path.join(FIXTURES, 'no-such-folder'))}\` does not exist`,
    ]);
    expect(problemsOf('no-yaml')).toEqual([
      `desired-state folder \`${SHOWN}/no-yaml\` has no *.yaml or *.yml files`,
    ]);
  });

  it('YAML syntax error: at the place yaml reports it', () => {
    expect(problemsOf('syntax-error')).toEqual([
      `${SHOWN}/syntax-error/nodes.yaml:4:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  it('unknown key: at the key itself, with a suggestion', () => {
    expect(problemsOf('unknown-key')).toEqual([
      `${SHOWN}/unknown-key/roles.yaml:3:1: unknown key \`pacakges\` in Role — did you mean \`packages\`?`,
      `${SHOWN}/unknown-key/roles.yaml:6:32: unknown key \`afterr\` in unit \`ssh.service\` in Role — did you mean \`after\`?`,
    ]);
  });

  it('wrong types, in every document of a file', () => {
    expect(problemsOf('wrong-type')).toEqual([
      `${SHOWN}/wrong-type/nodes.yaml:5:9: \`port\` of \`ssh\` must be an integer, not the string "22"`,
      `${SHOWN}/wrong-type/nodes.yaml:10:28: \`enabled\` of unit \`nginx.service\` must be true or false, not the string "yes"`,
      `${SHOWN}/wrong-type/nodes.yaml:12:17: sysctl \`kernel.panic\` must be a number or a string, not \`true\``,
      `${SHOWN}/wrong-type/nodes.yaml:13:10: \`include\` must be a list, not the string "base"`,
    ]);
  });

  it('alias bomb: refused before expansion (9^9 values; expanding it would not finish)', () => {
    const problems = problemsOf('alias-bomb');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^.*\/alias-bomb\/bomb\.yaml:9:9: document too large once aliases are expanded/,
    );
  });

  it('duplicate key', () => {
    expect(problemsOf('duplicate-key')).toEqual([
      `${SHOWN}/duplicate-key/roles.yaml:6:3: duplicate key \`chrony\`: a key may appear only once in a mapping`,
    ]);
  });

  it('duplicate names across files: the second place, naming the first', () => {
    expect(problemsOf('duplicate-names')).toEqual([
      `${SHOWN}/duplicate-names/b.yaml:6:7: Role \`base\` is defined twice: first at ${SHOWN}/duplicate-names/a.yaml:2:7`,
    ]);
  });

  it('missing role: at the entry of `roles`', () => {
    expect(problemsOf('missing-role')).toEqual([
      `${SHOWN}/missing-role/all.yaml:6:23: node \`pypi-1\`: role \`pypi-backnd\` is not defined — did you mean \`pypi-backend\`?`,
    ]);
  });

  it('include cycle: printed, at the include that closes it', () => {
    expect(problemsOf('include-cycle')).toEqual([
      `${SHOWN}/include-cycle/roles.yaml:11:11: include cycle: a → b → c → a`,
    ]);
  });

  it('a pair whose primary and secondary are the same node', () => {
    expect(problemsOf('pair-same-node')).toEqual([
      `${SHOWN}/pair-same-node/all.yaml:7:12: pair \`pypi\` has \`pypi-1\` as both primary and secondary: a pair is two different nodes`,
    ]);
  });

  it('undefined pair nodes and schedule targets', () => {
    expect(problemsOf('bad-references')).toEqual([
      `${SHOWN}/bad-references/all.yaml:7:12: pair \`pypi\`: secondary node \`pypi-3\` is not defined — did you mean \`pypi-1\`?`,
      `${SHOWN}/bad-references/all.yaml:12:22: schedule \`nightly\` targets node \`pypi-9\` is not defined — did you mean \`pypi-1\`?`,
      `${SHOWN}/bad-references/all.yaml:12:35: schedule \`nightly\` targets role \`nothing\` is not defined`,
    ]);
  });

  it('bad cron expressions', () => {
    expect(problemsOf('bad-cron')).toEqual([
      `${SHOWN}/bad-cron/schedules.yaml:3:7: \`cron\`: \`61 3 * * *\` is not a valid cron expression: 61 is an invalid expression for minute`,
      `${SHOWN}/bad-cron/schedules.yaml:8:7: \`cron\`: \`0 3 * *\` is not a valid cron expression: a cron expression has five fields (minute hour day-of-month month day-of-week), \`0 3 * *\` has 4`,
    ]);
  });

  it('shell-like package, unit, path and user names', () => {
    const problems = problemsOf('shell-names');
    expect(placesOf('shell-names')).toEqual(
      ['4:3', '6:3', '7:24', '9:3', '10:3', '12:3'].map((p) => `${SHOWN}/shell-names/roles.yaml:${p}`),
    );
    expect(problems[0]).toContain(
      '`foo; rm -rf /` is not a valid package name: `;` is not allowed, which looks like shell syntax',
    );
    expect(problems[1]).toContain(
      '`$(reboot).service` is not a valid systemd unit name: it contains `$`, which looks like shell syntax',
    );
    expect(problems[2]).toContain(
      '`after[0]` of unit `ok.service`: `network.target; reboot` is not a valid systemd unit name',
    );
    expect(problems[3]).toContain('is not a valid path: it contains ```, which looks like shell syntax');
    expect(problems[4]).toContain('`/etc/../shadow` is not a valid path: it contains a `..` segment');
    expect(problems[5]).toContain('`root$(id)` is not a valid user or group name');
  });

  it('bad version relations', () => {
    expect(placesOf('bad-version')).toEqual(
      ['4:12', '5:10', '6:9', '7:9', '8:11'].map((p) => `${SHOWN}/bad-version/roles.yaml:${p}`),
    );
    const problems = problemsOf('bad-version');
    expect(problems[0]).toContain(
      '`3.11 beta` is not a valid Debian version: version string has embedded spaces',
    );
    expect(problems[1]).toContain(
      '`2:` is not a valid Debian version: nothing after colon in version number',
    );
    expect(problems[2]).toContain('`>` is ambiguous');
    expect(problems[3]).toContain('`latest` is not a package rule');
    expect(problems[4]).toContain(
      '`1.2_13` is not a valid Debian version: invalid character in version number',
    );
  });

  it('a mode (or version) written as a YAML number: says to quote it and what YAML made of it', () => {
    expect(problemsOf('mode-number')).toEqual([
      `${SHOWN}/mode-number/roles.yaml:5:11: \`mode\` of file \`/etc/pypi/config.ini\` must be a string, not the number 640: write it in quotes, like "0640" — unquoted, YAML reads \`0640\` as the number 640`,
      `${SHOWN}/mode-number/roles.yaml:7:31: \`mode\` of file \`/etc/pypi/other.ini\`: \`0999\` is not a valid file mode: \`0999\` is not an octal file mode like "0640"`,
      `${SHOWN}/mode-number/roles.yaml:9:12: package \`python3\` must be a string, not the number 3.1: write it in quotes, like "3.10" — unquoted, YAML reads \`3.10\` as the number 3.1`,
    ]);
  });

  it('conflicting roles side by side: at the second rule, naming both rules and the node', () => {
    const roles = `${SHOWN}/conflicting-roles/roles.yaml`;
    const node = `${SHOWN}/conflicting-roles/nodes.yaml:2:7`;
    // vm.swappiness is not among them: web overrides base's value, db only inherits it.
    expect(problemsOf('conflicting-roles')).toEqual([
      `${roles}:20:3: conflicting rules for sysctls \`kernel.panic\`: role \`web\` wants "30" (${roles}:11:3), role \`db\` wants "20" (${roles}:20:3), and both are in the \`roles\` of node \`allinone\` (${node}) — make them agree, or set it in a role that includes both`,
      `${roles}:22:3: conflicting rules for units \`nginx.service\`: role \`web\` wants {"enabled":true} (${roles}:14:3), role \`db\` wants {"enabled":false} (${roles}:22:3), and both are in the \`roles\` of node \`allinone\` (${node}) — make them agree, or set it in a role that includes both`,
    ]);
  });

  it('collects problems from every file and stage, sorted by place, in one error', () => {
    const err = loadError(() =>
      desiredFromFiles('/d', [
        { file: 'b.yaml', text: 'kind: Node\nname: n1\nroles: [nope]\n' },
        {
          file: 'a.yaml',
          text: 'kind: Role\nname: r\npackages: {x: sometimes}\n---\nkind: Pair\nname: p\nprimary: n1\n',
        },
      ]),
    );
    expect(err.message).toBe('desired state in `/d` is not valid: 3 problems');
    expect(err.issues.map(formatIssue)).toEqual([
      'a.yaml:3:15: package `x`: `sometimes` is not a valid package rule: `sometimes` is not a package rule: write `present`, `absent`, a relation like `">= 1.2"` or an exact version',
      'a.yaml:5:1: missing key `secondary` in Pair',
      'b.yaml:3:9: node `n1`: role `nope` is not defined',
    ]);
  });

  it.each([
    [
      'not for a role whose own document is broken',
      'kind: Role\nname: base\npackages: {x: sometimes}\n',
      [
        'a.yaml:3:15: package `x`: `sometimes` is not a valid package rule: `sometimes` is not a package rule: write `present`, `absent`, a relation like `">= 1.2"` or an exact version',
      ],
    ],
    [
      'but for a broken document whose kind is not a string',
      'kind: [Role]\nname: base\n',
      [
        'a.yaml:1:7: unknown kind a list (one of Role, Node, Pair, Schedule)',
        'a.yaml:6:9: node `n`: role `base` is not defined',
      ],
    ],
    [
      'but for a broken document whose name is not a string',
      'kind: Role\nname: [base]\n',
      ['a.yaml:2:7: `name` must be a string, not a list', 'a.yaml:6:9: node `n`: role `base` is not defined'],
    ],
  ])('says "not defined" of a name, %s', (_, role, expected) => {
    const err = loadError(() =>
      desiredFromFiles('/d', [{ file: 'a.yaml', text: `${role}---\nkind: Node\nname: n\nroles: [base]\n` }]),
    );
    expect(err.issues.map(formatIssue)).toEqual(expected);
  });

  it('checks roles for conflicts even when a document of another kind is broken', () => {
    const text =
      'kind: Role\nname: web\nsysctls: {kernel.panic: 30}\n---\nkind: Role\nname: db\nsysctls: {kernel.panic: 20}\n' +
      '---\nkind: Node\nname: n\nroles: [web, db]\n---\nkind: Schedule\nname: s\ntargets: [node:n]\n';
    expect(
      loadError(() => desiredFromFiles('/d', [{ file: 'a.yaml', text }])).issues.map(formatIssue),
    ).toEqual([
      'a.yaml:7:11: conflicting rules for sysctls `kernel.panic`: role `web` wants "30" (a.yaml:3:11), role `db` wants "20" (a.yaml:7:11), and both are in the `roles` of node `n` (a.yaml:10:7) — make them agree, or set it in a role that includes both',
      'a.yaml:13:1: missing key `cron` in Schedule',
    ]);
  });

  // Each input is found in the other order: schema problems before reference problems, and a
  // pair's primary checked before its secondary.
  it.each([
    [
      'file',
      [
        { file: 'b.yaml', text: 'kind: Role\nname: r\npackages: {x: sometimes}\n' },
        { file: 'a.yaml', text: 'kind: Node\nname: n\nroles: [nope]\n' },
      ],
      [
        'a.yaml:3:9: node `n`: role `nope` is not defined',
        'b.yaml:3:15: package `x`: `sometimes` is not a valid package rule: `sometimes` is not a package rule: write `present`, `absent`, a relation like `">= 1.2"` or an exact version',
      ],
    ],
    [
      'line',
      [{ file: 'a.yaml', text: 'kind: Pair\nname: p\nsecondary: n2\nprimary: n1\n' }],
      [
        'a.yaml:3:12: pair `p`: secondary node `n2` is not defined',
        'a.yaml:4:10: pair `p`: primary node `n1` is not defined',
      ],
    ],
    [
      'column',
      [{ file: 'a.yaml', text: '{kind: Pair, name: p, secondary: n2, primary: n1}\n' }],
      [
        'a.yaml:1:34: pair `p`: secondary node `n2` is not defined',
        'a.yaml:1:47: pair `p`: primary node `n1` is not defined',
      ],
    ],
  ])('sorts the problems by %s, whatever order they were found in', (_, files, expected) => {
    expect(loadError(() => desiredFromFiles('/d', files)).issues.map(formatIssue)).toEqual(expected);
  });
});

describe('loadDesired refuses a folder it cannot read whole', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-desired-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('one file that cannot be read: refused with that one problem, not loaded without it', () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'kind: Role\nname: base\n');
    // A real file to stat (size 0) whose first read fails: address 0 is never mapped.
    fs.symlinkSync('/proc/self/mem', path.join(dir, 'mem.yaml'));
    const err = loadError(() => loadDesired(dir));
    expect(err.message).toBe(`desired state in \`${displayPath(dir)}\` is not valid: 1 problem`);
    expect(err.issues.map(formatIssue)).toEqual([
      `${displayPath(path.join(dir, 'mem.yaml'))}:1:1: cannot read file: EIO: i/o error, read`,
    ]);
  });

  it('problems of the whole folder come before those at a file', () => {
    const count = MAX_FOLDER_BYTES / MAX_FILE_BYTES + 1;
    for (let i = 0; i < count; i++)
      fs.writeFileSync(path.join(dir, `f${i}.yaml`), Buffer.alloc(MAX_FILE_BYTES, 0x20));
    fs.writeFileSync(path.join(dir, 'big.yaml'), Buffer.alloc(MAX_FILE_BYTES + 1, 0x20));
    expect(loadError(() => loadDesired(dir)).issues.map(formatIssue)).toEqual([
      `desired-state folder \`${displayPath(dir)}\` holds 5.0 MiB of YAML, more than the 4.0 MiB a desired state may have`,
      `${displayPath(path.join(dir, 'big.yaml'))}:1:1: file is 1.0 MiB (${MAX_FILE_BYTES + 1} bytes), more than the 1.0 MiB a desired-state file may have: split it`,
    ]);
  });
});

describe('loadDesired at scale', () => {
  it('loads 50 files of 100 rules each', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-desired-'));
    try {
      for (let f = 0; f < 50; f++) {
        const lines = [`kind: Role`, `name: role-${f}`, `packages:`];
        for (let r = 0; r < 40; r++) lines.push(`  pkg-${f}-${r}: ">= 1.${r}-1"`);
        lines.push('sysctls:');
        for (let r = 0; r < 30; r++) lines.push(`  net.ipv4.conf.if${f}x${r}.rp_filter: ${r % 3}`);
        lines.push('files:');
        for (let r = 0; r < 30; r++)
          lines.push(`  /etc/app-${f}/file-${r}.conf: {mode: "0640", owner: root}`);
        lines.push('---', 'kind: Node', `name: node-${f}`, `roles: [role-${f}]`);
        fs.writeFileSync(path.join(dir, `role-${String(f).padStart(2, '0')}.yaml`), `${lines.join('\n')}\n`);
      }
      const desired = loadDesired(dir);
      expect(Object.keys(desired.roles)).toHaveLength(50);
      expect(Object.keys(desired.roles['role-49']?.packages ?? {})).toHaveLength(40);
      expect(desired.roles['role-7']?.files['/etc/app-7/file-29.conf']?.mode).toBe('0640');
      expect(desired.roles['role-3']?.sysctls['net.ipv4.conf.if3x5.rp_filter']?.value).toBe('2');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function rel(fromFixtures: string): string {
  return path.relative(process.cwd(), path.join(FIXTURES, fromFixtures));
}
