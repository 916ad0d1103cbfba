import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadYaml } from '../../test/helpers/desired';
import { PAIR } from '../../test/helpers/fixers';
import { dpkg, fstab, mountRule, spec, state, unit, units } from '../../test/helpers/states';
import { redactSecrets, redactWords } from '../collect/files/redact';
import { parseFstab } from '../collect/parsers/fstab';
import { loadDesired } from '../desired';
import type { Fix, Plan } from '../model/plan';
import type { FileInfo, LiveMount, NodeState } from '../model/state';
import { sha256Hex } from '../shared/canonical-json';
import { mountsFixer } from './fixes/mounts';
import { basisOf, makePlan, planHash, staleAgainst } from './plan';
import { categoryHashes } from '../collect';
import { hashOf } from '../shared/canonical-json';
import { planCategories } from './findings';
import { verifyCategories } from '../model/run';
import { CATEGORIES } from '../model/state';
import type { SourcedFinding } from './types';
import { planWaves } from './waves';

const NOW = new Date('2026-11-22T10:05:00.000Z');
const examples = path.join(__dirname, '../../examples/states');
const example = (node: string): NodeState =>
  JSON.parse(fs.readFileSync(path.join(examples, `${node}.json`), 'utf8')) as NodeState;

function planOf(desiredYaml: string, states: NodeState[], target: string): Plan {
  const byName = new Map(states.map((s) => [s.node, s]));
  return makePlan({ desired: loadYaml(desiredYaml), target, stateOf: (n) => byName.get(n), now: NOW });
}

function fixOf(plan: Plan, id: string): Fix {
  const fix = plan.fixes.find((f) => f.id === id);
  if (!fix) throw new Error(`no fix ${id} in ${plan.fixes.map((f) => f.id).join(', ')}`);
  return fix;
}

const file = (p: string, text: string, extra: Partial<FileInfo> = {}): FileInfo => ({
  path: p,
  exists: true,
  type: 'file',
  text,
  sha256: `sha256:${sha256Hex(text)}`,
  mode: '0644',
  owner: 'root',
  group: 'root',
  ...extra,
});

/** Sysctls with kernel.panic at `value`, live and persisted in driftguard's own file. */
const panicAt = (value: string): NonNullable<NodeState['sysctls']> => ({
  live: { 'kernel.panic': value },
  persisted: { 'kernel.panic': { value, source: '/etc/sysctl.d/90-driftguard.conf:1' } },
});

describe('plan of the PyPI 2013 pair (examples/states)', () => {
  const desired = loadDesired(path.join(__dirname, '../../desired-state'));
  const states = new Map(['pypi-1', 'pypi-2'].map((n) => [n, example(n)]));
  // Planned in each test, not once for the block: code run while jest collects the tests is
  // "static" to Stryker (covered by no test), and every mutant in it would rerun the whole file.
  let plan: Plan;
  beforeEach(() => {
    plan = makePlan({ desired, target: 'pair:pypi', stateOf: (n) => states.get(n), now: NOW });
  });

  it('changes the secondary first, then the primary, never both in one wave', () => {
    expect(plan.waves).toEqual([['pypi-2'], ['pypi-1']]);
    const nodes = plan.fixes.filter((f) => f.action === 'change').map((f) => f.node);
    expect(nodes.lastIndexOf('pypi-2')).toBeLessThan(nodes.indexOf('pypi-1'));
  });

  it("installs the secondary's missing pypissh at the primary's exact version, without a shell", () => {
    expect(fixOf(plan, 'pypi-2/packages/pypissh:all').commands).toEqual([
      [
        'env',
        'DEBIAN_FRONTEND=noninteractive',
        'apt-get',
        'install',
        '--yes',
        '--no-install-recommends',
        '--allow-downgrades',
        '-o',
        'Dpkg::Options::=--force-confold',
        'pypissh:all=1.2.0-1',
      ],
    ]);
    expect(fixOf(plan, 'pypi-2/packages/python3-psycopg2:amd64').commands[0]?.at(-1)).toBe(
      'python3-psycopg2:amd64=2.9.5-1+b1',
    );
  });

  it('adds noauto to the DRBD line on both nodes, every other byte of fstab unchanged', () => {
    for (const node of ['pypi-1', 'pypi-2']) {
      const fix = fixOf(plan, `${node}/mounts//srv/pypi`);
      const [change] = fix.files;
      const before = states.get(node)?.files?.items['/etc/fstab']?.text as string;
      expect(change?.before).toBe(before);
      expect(change?.beforeSha256).toBe(`sha256:${sha256Hex(before)}`);
      const beforeLines = before.split('\n');
      const afterLines = (change?.after as string).split('\n');
      expect(afterLines.length).toBe(beforeLines.length);
      const changed = afterLines.flatMap((line, i) => (line === beforeLines[i] ? [] : [i + 1]));
      expect(changed).toEqual([17]);
      expect(afterLines[16]).toBe('/dev/drbd0  /srv/pypi  ext4  defaults,noauto  0  2');
      expect(
        parseFstab(change?.after as string).entries.find((e) => e.file === '/srv/pypi')?.parsed.auto,
      ).toBe(false);
      expect(fix.reloadSystemd).toBe(true);
      expect(change?.diff).toContain('+/dev/drbd0  /srv/pypi  ext4  defaults,noauto  0  2');
    }
  });

  it('sets kernel.panic live and persists both panic settings in one managed file, the second fix building on the first', () => {
    const panic = fixOf(plan, 'pypi-2/sysctls/kernel.panic');
    const oops = fixOf(plan, 'pypi-2/sysctls/kernel.panic_on_oops');
    expect(panic.commands).toEqual([['sysctl', '-w', 'kernel.panic=10']]);
    expect(panic.files[0]).toMatchObject({
      path: '/etc/sysctl.d/90-driftguard.conf',
      beforeSha256: null,
      mode: '0644',
      owner: 'root',
    });
    expect(panic.files[0]?.after).toMatch(/\nkernel\.panic = 10\n$/);
    expect(oops.files[0]?.before).toBe(panic.files[0]?.after);
    expect(oops.files[0]?.after).toBe(`${panic.files[0]?.after}kernel.panic_on_oops = 1\n`);
  });

  it('copies r0.res from the primary, and enables pypissh.service after its package', () => {
    const res = fixOf(plan, 'pypi-2/files//etc/drbd.d/r0.res');
    expect(res.files[0]?.after).toBe(states.get('pypi-1')?.files?.items['/etc/drbd.d/r0.res']?.text);
    expect(res.files[0]?.diff).toContain('+\t\tverify-alg sha256;');
    const enable = fixOf(plan, 'pypi-2/units/pypissh.service#enablement');
    expect(enable.commands).toEqual([['systemctl', 'enable', 'pypissh.service']]);
    const ids = plan.fixes.map((f) => f.id);
    expect(ids.indexOf(enable.id)).toBeGreaterThan(ids.indexOf('pypi-2/packages/pypissh:all'));
  });

  it("resolves multi-user.target's Wants= difference by enabling pypissh, not by copying the target's links", () => {
    expect(plan.fixes.some((f) => f.key === 'multi-user.target')).toBe(false);
    expect(fixOf(plan, 'pypi-2/units/pypissh.service#enablement').addresses).toContain(
      'units|multi-user.target|mismatch|ordering|different',
    );
  });

  it('leaves to people what no fixer may change: capacity, uid renumbering', () => {
    const advice = plan.fixes
      .filter((f) => f.action === 'advice')
      .map((f) => `${f.node}/${f.category}/${f.key}`);
    expect(advice).toEqual(
      expect.arrayContaining(['pypi-2/capacity/cpus', 'pypi-2/capacity/memoryBytes', 'pypi-2/users/pypi']),
    );
    for (const fix of plan.fixes.filter((f) => f.action === 'advice')) expect(fix.reason).toBeTruthy();
  });

  it('stands on the states it was made from, and its hash covers every fix', () => {
    expect(plan.nodes.map((n) => n.node).sort()).toEqual(['pypi-1', 'pypi-2']);
    expect(plan.nodes.find((n) => n.node === 'pypi-2')?.basis.packages).toBe(
      example('pypi-2').hashes.packages,
    );
    const rebased = structuredClone(plan);
    (rebased.nodes[0] as Plan['nodes'][number]).basis.packages = 'sha256:another';
    expect(planHash(rebased)).not.toBe(plan.hash);
    const later = makePlan({ desired, target: 'pair:pypi', stateOf: (n) => states.get(n), now: new Date() });
    expect(later.hash).toBe(plan.hash);
    const edited = structuredClone(plan);
    fixOf(edited, 'pypi-2/packages/pypissh:all').commands[0]?.push('--reinstall');
    expect(planHash(edited)).not.toBe(plan.hash);
    const reordered = structuredClone(plan);
    reordered.waves.reverse();
    expect(planHash(reordered)).not.toBe(plan.hash);
  });

  it('is stale on a node where its configuration changed since, not where only live state did', () => {
    const basis = plan.nodes.find((n) => n.node === 'pypi-2')?.basis ?? {};
    expect(Object.keys(basis)).toEqual(expect.arrayContaining(['mounts', 'packages']));
    const fresh = example('pypi-2');
    expect(staleAgainst(basis, fresh)).toEqual([]);
    fresh.mounts = { ...(fresh.mounts as NonNullable<NodeState['mounts']>), live: [] };
    expect(staleAgainst(basis, fresh)).toEqual([]);
    fresh.hashes.packages = 'sha256:another';
    expect(staleAgainst(basis, fresh)).toEqual(['packages']);
  });
});

describe('packages', () => {
  it('removes what the roles say absent and leaves a package only the secondary has to a person', () => {
    const desired = PAIR.replace('name: app\n', 'name: app\npackages: { telnetd: absent }\n');
    const a = state('a', { packages: dpkg(['bash', '5.2-1']) });
    const b = state('b', {
      packages: dpkg(['bash', '5.2-1'], ['telnetd', '0.17-44'], ['strace', '6.1-0.1']),
    });
    const plan = planOf(desired, [a, b], 'pair:p');
    expect(fixOf(plan, 'b/packages/telnetd').commands).toEqual([
      ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'remove', '--yes', 'telnetd'],
    ]);
    expect(fixOf(plan, 'b/packages/strace:amd64')).toMatchObject({ action: 'advice', commands: [] });
  });

  it("installs what the roles ask when the primary's version does not satisfy them, and says so", () => {
    const desired = PAIR.replace('name: app\n', 'name: app\npackages: { python3: ">= 3.11" }\n');
    const a = state('a', { packages: dpkg(['python3', '3.9.2-3']) });
    const b = state('b', { packages: dpkg(['python3', '3.7.3-1']) });
    const fix = fixOf(planOf(desired, [a, b], 'pair:p'), 'b/packages/python3');
    expect(fix.commands[0]?.at(-1)).toBe('python3:amd64');
    expect(fix.description).toContain("the primary's 3.9.2-3 does not satisfy the roles either");
  });

  it('uses dnf with name-version.arch on an RPM node', () => {
    const a = state('a', {
      packages: {
        manager: 'rpm',
        items: {
          'httpd:x86_64': { name: 'httpd', arch: 'x86_64', version: '2.4.57-8.el9', status: 'installed' },
        },
      },
    });
    const b = state('b', { packages: { manager: 'rpm', items: {} } });
    expect(fixOf(planOf(PAIR, [a, b], 'pair:p'), 'b/packages/httpd:x86_64').commands).toEqual([
      ['dnf', 'install', '--assumeyes', '--setopt=install_weak_deps=False', 'httpd-2.4.57-8.el9.x86_64'],
    ]);
  });

  it('never passes a malformed name from a state to a command', () => {
    const hostile = {
      name: '-oAPT::Update::Pre-Invoke::=rm',
      arch: 'all',
      version: '1',
      status: 'install ok installed',
    };
    const shelly = { name: 'x;reboot', arch: 'all', version: '$(reboot)', status: 'install ok installed' };
    const a = state('a', {
      packages: { manager: 'dpkg', items: { [`${hostile.name}:all`]: hostile, ['x;reboot:all']: shelly } },
    });
    const b = state('b', { packages: dpkg() });
    const fixes = planOf(PAIR, [a, b], 'pair:p').fixes.filter((f) => f.category === 'packages');
    expect(fixes.map((f) => f.key).sort()).toEqual(['-oAPT::Update::Pre-Invoke::=rm:all', 'x;reboot:all']);
    for (const fix of fixes) expect(fix).toMatchObject({ action: 'advice', commands: [] });
  });
});

describe('sysctls', () => {
  const sysctlPair = PAIR.replace('name: app\n', 'name: app\nsysctls: { vm.swappiness: 10 }\n');

  it('leaves the persisted part to a person when a later file (99-sysctl.conf) overrides the managed one', () => {
    const b = state('b', {
      sysctls: {
        live: { 'vm.swappiness': '60' },
        persisted: { 'vm.swappiness': { value: '60', source: '/etc/sysctl.d/99-sysctl.conf:4' } },
      },
      files: { items: {} },
    });
    const plan = planOf(sysctlPair, [state('a'), b], 'node:b');
    expect(fixOf(plan, 'b/sysctls/vm.swappiness')).toMatchObject({
      action: 'change',
      commands: [['sysctl', '-w', 'vm.swappiness=10']],
      files: [],
    });
    const advice = fixOf(plan, 'b/sysctls/vm.swappiness#persisted');
    expect(advice.action).toBe('advice');
    expect(advice.description).toContain('/etc/sysctl.d/99-sysctl.conf:4');
  });

  it('edits the existing managed file line by line', () => {
    const managed = '# mine\nvm.swappiness = 30\nkernel.panic = 10\n';
    const b = state('b', {
      sysctls: {
        live: { 'vm.swappiness': '10' },
        persisted: { 'vm.swappiness': { value: '30', source: '/etc/sysctl.d/90-driftguard.conf:2' } },
      },
      files: {
        items: { '/etc/sysctl.d/90-driftguard.conf': file('/etc/sysctl.d/90-driftguard.conf', managed) },
      },
    });
    const [change] = fixOf(planOf(sysctlPair, [state('a'), b], 'node:b'), 'b/sysctls/vm.swappiness').files;
    expect(change).toMatchObject({
      before: managed,
      after: '# mine\nvm.swappiness = 10\nkernel.panic = 10\n',
    });
    expect(change?.mode).toBeUndefined(); // kept as it is
  });
});

describe('mounts', () => {
  const fstabText = '# static\nUUID=1 / ext4 errors=remount-ro 0 1\n/dev/drbd0 /srv/data ext4 defaults 0 2\n';
  const withFstab = (node: string, text: string, extra: Partial<NodeState> = {}): NodeState =>
    state(node, {
      mounts: { fstab: parseFstab(text).entries, live: [] },
      files: { items: { '/etc/fstab': file('/etc/fstab', text) } },
      ...extra,
    });

  it("copies the primary's options and fsck pass, and appends an entry only the primary has", () => {
    const a = withFstab(
      'a',
      `${fstabText}nas:/x /mnt/x nfs ro,_netdev 0 0\n`.replace('defaults 0 2', 'defaults,noatime 0 0'),
    );
    const b = withFstab('b', fstabText);
    const plan = planOf(PAIR, [a, b], 'pair:p');
    const [first, second] = plan.fixes.filter((f) => f.category === 'mounts').map((f) => f.files[0]);
    // The second edit of fstab starts from what the first wrote; together they give this:
    expect(first?.before).toBe(fstabText);
    expect(second?.before).toBe(first?.after);
    expect(second?.after).toBe(
      `${fstabText.replace('defaults 0 2', 'defaults,noatime 0 0')}nas:/x /mnt/x nfs ro,_netdev 0 0\n`,
    );
    expect(fixOf(plan, 'b/mounts//srv/data').description).toContain('add noatime; fsck pass 0');
  });

  it('never builds an fstab edit from redacted text: the fix is advice saying why', () => {
    const share = '//nas/share /mnt/share cifs username=pypi,password=hunter2 0 0\n';
    const marked = share.replace('hunter2', '<redacted sha256:0123456789ab…>');
    const a = withFstab('a', `${fstabText}${share}`.replace('defaults 0 2', 'defaults,noatime 0 2'));
    const b = state('b', {
      mounts: { fstab: parseFstab(`${fstabText}${share}`).entries, live: [] },
      files: {
        items: {
          '/etc/fstab': file('/etc/fstab', `${fstabText}${marked}`, {
            sha256: `sha256:${sha256Hex(`${fstabText}${share}`)}`,
            redacted: true,
          }),
        },
      },
    });
    const plan = planOf(PAIR, [a, b], 'pair:p');
    expect(fixOf(plan, 'b/mounts//srv/data')).toMatchObject({
      action: 'advice',
      files: [],
      reason: expect.stringContaining('secret or redacted') as unknown,
    });
    expect(JSON.stringify(plan.fixes)).not.toContain('<redacted');
  });

  /** fstab as the mounts collector records it: secret option words replaced by markers. */
  const recordedFstab = (text: string) =>
    parseFstab(text).entries.map((entry) => ({
      ...entry,
      options: entry.options.map((option) => redactWords(option, '/etc/fstab')),
    }));

  it("appends the primary's line rebuilt from its entry when the primary's fstab text is redacted", () => {
    const share = '//nas/share /mnt/share cifs username=pypi,password=hunter2 0 0\n';
    const nfs = 'nas:/x /mnt/x nfs ro,_netdev 0 0\n';
    const marked = redactSecrets(`${fstabText}${share}${nfs}`, '/etc/fstab').text;
    const a = state('a', {
      mounts: { fstab: recordedFstab(`${fstabText}${share}${nfs}`), live: [] },
      files: { items: { '/etc/fstab': file('/etc/fstab', marked, { redacted: true }) } },
    });
    const b = state('b', {
      mounts: { fstab: recordedFstab(`${fstabText}${share}`), live: [] },
      files: { items: { '/etc/fstab': file('/etc/fstab', `${fstabText}${share}`) } },
    });
    const plan = planOf(PAIR, [a, b], 'pair:p');
    expect(plan.fixes.filter((f) => f.category === 'mounts').map((f) => f.key)).toEqual(['/mnt/x']);
    expect(fixOf(plan, 'b/mounts//mnt/x').files[0]?.after).toBe(
      `${fstabText}${share}nas:/x\t/mnt/x\tnfs\tro,_netdev\t0\t0\n`,
    );
  });

  it("never writes a secret's marker into fstab: a line with a password to copy is advice", () => {
    const share = '//nas/share /mnt/share cifs username=pypi,password=hunter2 0 0\n';
    const a = state('a', {
      mounts: { fstab: recordedFstab(`${fstabText}${share}`), live: [] },
      files: {
        items: {
          '/etc/fstab': file('/etc/fstab', redactSecrets(`${fstabText}${share}`, '/etc/fstab').text, {
            redacted: true,
          }),
        },
      },
    });
    // Appended whole, or its password changed in place: both would write the marker.
    for (const bFstab of [fstabText, `${fstabText}${share.replace('hunter2', 'older')}`]) {
      const b = state('b', {
        mounts: { fstab: recordedFstab(bFstab), live: [] },
        files: { items: { '/etc/fstab': file('/etc/fstab', redactSecrets(bFstab, '/etc/fstab').text) } },
      });
      const plan = planOf(PAIR, [a, b], 'pair:p');
      expect(fixOf(plan, 'b/mounts//mnt/share')).toMatchObject({
        action: 'advice',
        files: [],
        description: "make the fstab line of /mnt/share on b like the primary's by hand",
        reason: 'the line holds a secret (a password in its device or options) that stays on the nodes',
      });
      expect(JSON.stringify(plan.fixes)).not.toContain('<redacted');
    }
  });

  it("never adds the empty option of a primary's `rw,,noatime`", () => {
    const a = withFstab('a', fstabText.replace('defaults 0 2', 'rw,,noatime 0 2'));
    const b = withFstab('b', fstabText.replace('defaults 0 2', 'rw 0 2'));
    const fix = fixOf(planOf(PAIR, [a, b], 'pair:p'), 'b/mounts//srv/data');
    expect(fix.description).toContain(': add noatime; then reload systemd');
    expect(fix.files[0]?.after).toBe(fstabText.replace('defaults 0 2', 'rw,noatime 0 2'));
  });

  it("never copies the primary's own disk identifier", () => {
    const a = withFstab('a', 'UUID=aaaa /data ext4 defaults 0 2\n');
    const b = withFstab('b', '# nothing\n');
    expect(fixOf(planOf(PAIR, [a, b], 'pair:p'), 'b/mounts//data')).toMatchObject({ action: 'advice' });
  });

  it("gives a boot-time DRBD mount nofail and LINBIT's drbd@RES.target requirement; a failover one noauto", () => {
    const b = withFstab('b', fstabText, {
      replication: {
        drbdAvailable: true,
        drbd: {
          r0: {
            name: 'r0',
            role: 'Secondary',
            volumes: [{ volume: 0, minor: 0, diskState: 'UpToDate' }],
            connections: [],
          },
        },
      },
    });
    const hang: SourcedFinding = {
      category: 'mounts',
      key: '/srv/data',
      kind: 'unsafe',
      aspect: 'boot-hang',
      severity: 'error',
      message: 'hangs',
      node: 'b',
      source: 'safety',
    };
    const ctx = { node: 'b', state: b, spec: spec() };
    const [nofail] = mountsFixer.plan([hang], ctx);
    expect(nofail?.edits).toEqual([
      {
        kind: 'fstab-line',
        line: 3,
        fields: { options: { add: ['nofail', 'x-systemd.requires=drbd@r0.target'], remove: [] } },
      },
    ]);
    const failover = mountsFixer.plan([hang], {
      ...ctx,
      spec: spec({ mounts: { '/srv/data': mountRule({ failover: true }) } }),
    });
    expect(failover[0]?.edits).toEqual([
      { kind: 'fstab-line', line: 3, fields: { options: { add: ['noauto'], remove: [] } } },
    ]);
    expect(failover[0]?.addresses).toEqual(['mounts|/srv/data|unsafe|boot-hang|']);
  });
});

describe('units and files', () => {
  it('orders a service after a mount with a drop-in of its own, and unmasks before enabling', () => {
    const roles = PAIR.replace(
      'name: app\n',
      'name: app\nunits: { web.service: { enabled: true, after: [srv-data.mount] }, db.service: { enabled: true } }\n',
    );
    const b = state('b', {
      units: units(
        unit('web.service', { after: ['network.target'] }),
        unit('db.service', { enablement: 'masked', masked: true }),
      ),
      files: { items: {} },
    });
    const plan = planOf(roles, [state('a'), b], 'node:b');
    const order = fixOf(plan, 'b/units/web.service#ordering');
    expect(order.files[0]).toMatchObject({
      path: '/etc/systemd/system/web.service.d/50-driftguard.conf',
      beforeSha256: null,
    });
    expect(order.files[0]?.after).toMatch(/\[Unit\]\nAfter=srv-data\.mount\n$/);
    expect(order.reloadSystemd).toBe(true);
    expect(fixOf(plan, 'b/units/db.service#enablement').commands).toEqual([
      ['systemctl', 'unmask', 'db.service'],
      ['systemctl', 'enable', 'db.service'],
    ]);
  });

  it('copies a parity file with its mode, never writes redacted text, leaves an undeclared difference alone', () => {
    const roles = PAIR.replace(
      'name: app\n',
      'name: app\nfiles: { /etc/app.conf: { parity: true }, /etc/secret.conf: { parity: true } }\n',
    );
    const a = state('a', {
      files: {
        items: {
          '/etc/app.conf': file('/etc/app.conf', 'port = 80\n', { mode: '0640' }),
          '/etc/keepalived/keepalived.conf': file('/etc/keepalived/keepalived.conf', 'priority 150\n'),
          '/etc/secret.conf': {
            ...file('/etc/secret.conf', 'password = <redacted>\n'),
            redacted: true,
          } as FileInfo,
        },
      },
    });
    const b = state('b', {
      files: {
        items: {
          '/etc/app.conf': file('/etc/app.conf', 'port = 8080\n'),
          '/etc/keepalived/keepalived.conf': file('/etc/keepalived/keepalived.conf', 'priority 100\n'),
          '/etc/secret.conf': file('/etc/secret.conf', 'password = other\n'),
        },
      },
    });
    const plan = planOf(roles, [a, b], 'pair:p');
    expect(fixOf(plan, 'b/files//etc/app.conf').files[0]).toMatchObject({
      after: 'port = 80\n',
      mode: '0640',
    });
    // A merely watched file that differs (keepalived's priority differs per node by design) is not planned.
    expect(plan.fixes.some((f) => f.key === '/etc/keepalived/keepalived.conf')).toBe(false);
    // Redacted text is never written: the primary's real file is copied node to node at apply time.
    const [secret] = fixOf(plan, 'b/files//etc/secret.conf').files;
    expect(secret).toMatchObject({
      copyFrom: { node: 'a', sha256: `sha256:${sha256Hex('password = <redacted>\n')}` },
    });
    expect(secret?.after).toBeUndefined();
    expect(secret?.diff).not.toContain('redacted');
  });

  it('writes nothing where the states watch different files, and creates a file recorded absent on the secondary', () => {
    const roles = PAIR.replace(
      'name: app\n',
      'name: app\nfiles: { /etc/app.conf: { parity: true }, /etc/ha.conf: { parity: true } }\n',
    );
    // The secondary was collected without /etc/app.conf in its watch list: nothing is known of
    // the file there, not even whether it exists.
    const a = state('a', {
      files: {
        items: {
          '/etc/app.conf': file('/etc/app.conf', 'port = 80\n'),
          '/etc/ha.conf': file('/etc/ha.conf', 'vip = 10.0.0.5\n'),
        },
      },
    });
    const b = state('b', {
      files: { items: { '/etc/ha.conf': { path: '/etc/ha.conf', exists: false } } },
    });
    const plan = planOf(roles, [a, b], 'pair:p');
    const watched = fixOf(plan, 'b/files//etc/app.conf');
    expect(watched).toMatchObject({
      description:
        '/etc/app.conf was not recorded on every node: collect b and its pair with the same --desired',
      files: [],
      commands: [],
    });
    expect(fixOf(plan, 'b/files//etc/ha.conf').files[0]).toMatchObject({
      path: '/etc/ha.conf',
      after: 'vip = 10.0.0.5\n',
    });
  });
});

describe('users', () => {
  const users = (uid: number) => ({
    users: { pypi: { name: 'pypi', uid, gid: uid, home: '/srv', shell: '/bin/false' } },
    groups: { pypi: { name: 'pypi', gid: uid, members: [] } },
  });

  it('is report only unless the roles allow renumbering', () => {
    const plan = planOf(
      PAIR.replace('name: app\n', 'name: app\nusers: { pypi: { uid: 990 } }\n'),
      [state('a', { users: users(990) }), state('b', { users: users(991) })],
      'pair:p',
    );
    const userFixes = plan.fixes.filter((f) => f.category === 'users');
    expect(userFixes.map((f) => f.id).sort()).toEqual(['b/users/group:pypi', 'b/users/pypi']);
    expect(userFixes.every((f) => f.action === 'advice')).toBe(true);
    const allowed = planOf(
      PAIR.replace('name: app\n', 'name: app\nusers: { pypi: { uid: 990, renumber: true } }\n'),
      [state('a', { users: users(990) }), state('b', { users: users(991) })],
      'pair:p',
    );
    expect(fixOf(allowed, 'b/users/pypi').commands).toEqual([
      ['usermod', '--uid', '990', 'pypi'],
      ['usermod', '--gid', '990', 'pypi'],
    ]);
    expect(fixOf(allowed, 'b/users/group:pypi').commands).toEqual([['groupmod', '--gid', '990', 'pypi']]);
  });
});

describe('waves', () => {
  const pair = (name: string, primary: string, secondary: string) =>
    ({ kind: 'Pair', name, primary, secondary }) as Parameters<typeof planWaves>[1][number];

  it('puts secondaries first, never two nodes of one pair together, at most N per wave', () => {
    const pairs = [pair('p', 'a1', 'a2'), pair('q', 'b1', 'b2')];
    const waves = planWaves(['a1', 'a2', 'b1', 'b2', 'solo'], pairs, 2);
    expect(waves).toEqual([['a2', 'b2'], ['solo', 'a1'], ['b1']]);
    for (const wave of waves) {
      for (const p of pairs) expect(wave.includes(p.primary) && wave.includes(p.secondary)).toBe(false);
    }
    expect(planWaves(['a1', 'a2'], pairs, 10)).toEqual([['a2'], ['a1']]);
  });
});

describe('what a plan stands on (basisOf, staleAgainst)', () => {
  /** A state as a collection leaves it: every category present has its hash (collect/index.ts). */
  const collected = (s: NodeState): NodeState => ({ ...s, hashes: categoryHashes(s) });
  const MOUNTED: LiveMount = {
    mountPoint: '/data',
    source: '/dev/sdb1',
    fstype: 'ext4',
    options: ['rw'],
    superOptions: ['rw'],
    root: '/',
    mountId: 30,
    parentId: 1,
    device: '8:17',
  };
  const node = () =>
    collected(
      state('c', {
        mounts: {
          fstab: [fstab(1, '/dev/sdb1', '/data', 'ext4', 'defaults')],
          live: [MOUNTED],
          warnings: [],
        },
        units: units(unit('web.service', { activeState: 'active' })),
        sysctls: { live: { 'kernel.panic': '10' }, persisted: {} },
        packages: dpkg(['bash', '5.2-1']),
      }),
    );

  it('lists each category once, in a stable order, with the hash its configuration has', () => {
    const c = node();
    const basis = basisOf(c, ['units', 'sysctls', 'mounts', 'packages', 'mounts']);
    expect(Object.keys(basis)).toEqual(['mounts', 'packages', 'sysctls', 'units']);
    expect(basis.packages).toBe(c.hashes.packages);
    expect(basis.sysctls).toBe(c.hashes.sysctls);
    expect(basis.mounts).toBe(hashOf({ fstab: c.mounts?.fstab, warnings: [] }));
    const { activeState: _active, ...web } = c.units?.items['web.service'] as NonNullable<
      NodeState['units']
    >['items'][string];
    expect(basis.units).toBe(hashOf([web]));
  });

  it('hashes a category a state holds without its hash, and leaves out one it does not hold', () => {
    const c = { ...node(), hashes: {} };
    expect(basisOf(c, ['sysctls']).sysctls).toBe(hashOf(c.sysctls));
    expect(Object.keys(basisOf(c, ['users', 'files', 'sysctls']))).toEqual(['sysctls']);
  });

  it('is stale where the fstab, the warnings or a unit changed, not where only mounted or active state did', () => {
    const c = node();
    const basis = basisOf(c, ['mounts', 'units']);
    const live = collected({
      ...c,
      mounts: { ...(c.mounts as NonNullable<NodeState['mounts']>), live: [] },
      units: units(unit('web.service', { activeState: 'failed' })),
    });
    expect(live.hashes.mounts).not.toBe(c.hashes.mounts);
    expect(staleAgainst(basis, live)).toEqual([]);
    const remounted = collected({
      ...c,
      mounts: {
        ...(c.mounts as NonNullable<NodeState['mounts']>),
        fstab: [fstab(1, '/dev/sdb1', '/data', 'ext4', 'noatime')],
      },
    });
    expect(staleAgainst(basis, remounted)).toEqual(['mounts']);
    const warned = collected({
      ...c,
      mounts: {
        ...(c.mounts as NonNullable<NodeState['mounts']>),
        warnings: [{ source: '/etc/fstab', line: 2, message: 'not an fstab line' }],
      },
    });
    expect(staleAgainst(basis, warned)).toEqual(['mounts']);
    const disabled = collected({
      ...c,
      units: units(unit('web.service', { activeState: 'active', enablement: 'disabled' })),
    });
    expect(staleAgainst(basis, disabled)).toEqual(['units']);
    const { units: _gone, ...rest } = c;
    expect(staleAgainst(basis, collected(rest))).toEqual(['units']);
  });
});

describe('what the planner decides before the fixers', () => {
  const SOLO = `
kind: Role
name: solo
units: { foo.service: { enabled: true } }
---
kind: Node
name: c
roles: [solo]
`;
  /** A node that boots into multi-user.target, with the units given. */
  const booting = (node: string, values: Parameters<typeof state>[1] = {}): NodeState =>
    state(node, {
      mounts: { fstab: [], live: [] },
      units: { ...units(unit('multi-user.target'), unit('bar.service')), defaultTarget: 'multi-user.target' },
      ...values,
    });
  const ENABLE_FOO = ['systemctl', 'enable', 'foo.service'];
  const enableFoo = (plan: Plan) => fixOf(plan, 'c/units/foo.service#enablement');

  it('enables a unit a package brings only when the plan installs a package on that node', () => {
    const installing = planOf(
      SOLO.replace('units:', 'packages: { foo: present }\nunits:'),
      [booting('c', { packages: dpkg(['bash', '5.2-1']) })],
      'node:c',
    );
    expect(installing.fixes.map((f) => [f.id, f.action])).toEqual([
      ['c/packages/foo', 'change'],
      ['c/units/foo.service#enablement', 'change'],
    ]);
    expect(enableFoo(installing).commands).toEqual([ENABLE_FOO]);
    expect(installing.waves).toEqual([['c']]);
  });

  it('leaves the enabling to a person, with its commands, when no package is installed there', () => {
    const plan = planOf(SOLO, [booting('c')], 'node:c');
    expect(plan.fixes).toEqual([
      {
        id: 'c/units/foo.service#enablement',
        node: 'c',
        category: 'units',
        key: 'foo.service',
        action: 'advice',
        description: 'enable foo.service on c (its unit file comes with its package)',
        files: [],
        commands: [ENABLE_FOO],
        addresses: ['units|foo.service|missing||'],
        reason: 'its unit file is not on the node and this plan installs no package that could bring it',
      },
    ]);
    expect(plan.waves).toEqual([]);
    expect(plan.nodes).toEqual([{ node: 'c', collectedAt: '2026-11-22T10:00:00.000Z', basis: {} }]);
  });

  it('counts only installs: a change in another category, or package advice, brings no unit file', () => {
    const withSysctl = SOLO.replace('units:', 'sysctls: { kernel.panic: 10 }\nunits:');
    const sysctlChange = planOf(
      withSysctl,
      [booting('c', { sysctls: panicAt('0'), files: { items: {} } })],
      'node:c',
    );
    expect(sysctlChange.fixes.filter((f) => f.category === 'sysctls').map((f) => f.action)).toContain(
      'change',
    );
    expect(enableFoo(sysctlChange).action).toBe('advice');
    // A package only the secondary has is advice; the enabling on it stays advice too.
    const pair = `${PAIR.replace('name: app\n', 'name: app\nunits: { foo.service: { enabled: true } }\n')}`;
    const primary = booting('a', {
      packages: dpkg(['bash', '5.2-1']),
      units: { ...units(unit('multi-user.target'), unit('foo.service')), defaultTarget: 'multi-user.target' },
    });
    const secondary = booting('b', { packages: dpkg(['bash', '5.2-1'], ['strace', '6.1-0.1']) });
    const plan = planOf(pair, [primary, secondary], 'node:b');
    expect(plan.fixes.filter((f) => f.category === 'packages').map((f) => [f.key, f.action])).toEqual([
      ['strace:amd64', 'advice'],
    ]);
    expect(fixOf(plan, 'b/units/foo.service#enablement').action).toBe('advice');
  });

  it('turns a category not collected into one "collect it first" per category, and plans nothing from it', () => {
    const plan = planOf(SOLO, [state('c')], 'node:c');
    expect(plan.fixes).toEqual([
      {
        id: 'c/units/(not collected)',
        node: 'c',
        category: 'units',
        key: '(not collected)',
        action: 'advice',
        description: 'collect the units of c (its collector failed or the state is partial), then plan again',
        files: [],
        commands: [],
        addresses: ['units|(not collected)|missing||'],
        reason: 'a plan is made only from what was collected',
      },
    ]);
  });

  it("groups a pair's not-collected findings (drift, parity, panic safety) into one advice per category", () => {
    const pair = PAIR.replace('name: app\n', 'name: app\nsysctls: { vm.swappiness: 10 }\n');
    const plan = planOf(pair, [booting('a', { sysctls: panicAt('10') }), booting('b')], 'node:b');
    const collect = fixOf(plan, 'b/sysctls/(not collected)');
    expect(collect.description).toBe(
      'collect the sysctls of b (its collector failed or the state is partial), then plan again',
    );
    expect([...collect.addresses].sort()).toEqual(['sysctls|(not collected)|missing||']);
    expect(plan.fixes.filter((f) => f.category === 'sysctls')).toHaveLength(1);
  });

  it('says when the boot of a node cannot be judged, instead of reading "units" as a unit name', () => {
    const noDefault = state('c', {
      mounts: { fstab: [], live: [] },
      units: units(unit('foo.service')),
    });
    expect(planOf(SOLO, [noDefault], 'node:c').fixes).toEqual([
      {
        id: 'c/units/(boot safety)',
        node: 'c',
        category: 'units',
        key: '(boot safety)',
        action: 'advice',
        description:
          'Boot safety of c cannot be checked: it has no default.target to boot into. Nothing is planned for its boot until it can be.',
        files: [],
        commands: [],
        addresses: ['units|units|missing|boot-safety-unknown|'],
        reason: 'a plan is made only from what could be checked',
      },
    ]);
  });
});

describe('the plan over several targets and nodes', () => {
  const TWO_PAIRS = `${PAIR.replace('name: app\n', 'name: app\nsysctls: { kernel.panic: 10 }\n')}
---
kind: Node
name: c
roles: [app]
---
kind: Node
name: d
roles: [app]
---
kind: Pair
name: q
primary: c
secondary: d
---
kind: Node
name: e
roles: [app]
`;
  const panicking = (node: string, value: string) =>
    state(node, { sysctls: panicAt(value), files: { items: {} } });
  const states = () => [
    panicking('a', '0'),
    panicking('b', '0'),
    panicking('c', '0'),
    panicking('d', '0'),
    panicking('e', '10'),
  ];
  const planWith = (target: string, maxNodesPerWave?: number): Plan => {
    const byName = new Map(states().map((s) => [s.node, s]));
    return makePlan({
      desired: loadYaml(TWO_PAIRS),
      target,
      stateOf: (n) => byName.get(n),
      now: NOW,
      ...(maxNodesPerWave === undefined ? {} : { maxNodesPerWave }),
    });
  };

  it('names every target it was given, and tells each node its role', () => {
    const plan = planWith('pair:p,node:e');
    expect(plan.target).toBe('pair:p,node:e');
    expect(plan.nodes.map((n) => [n.node, n.role])).toEqual([
      ['a', 'primary'],
      ['b', 'secondary'],
      ['e', undefined],
    ]);
    expect(plan.nodes.find((n) => n.node === 'e')).not.toHaveProperty('role');
  });

  it('puts in waves only the nodes it changes, one node a wave unless told more', () => {
    const plan = planWith('pair:p,pair:q,node:e');
    expect(plan.fixes.filter((f) => f.node === 'e')).toEqual([]);
    expect(plan.waves).toEqual([['b'], ['d'], ['a'], ['c']]);
    expect(plan.nodes.find((n) => n.node === 'e')?.basis).toEqual({});
    expect(planWith('pair:p,pair:q,node:e', 2).waves).toEqual([
      ['b', 'd'],
      ['a', 'c'],
    ]);
  });
});

describe('the plan refuses to guess', () => {
  it('needs a state of every node it names', () => {
    expect(() => planOf(PAIR, [state('a')], 'pair:p')).toThrow(/no state of node b/);
  });
});

describe('what apply reads', () => {
  it('collects everything for a node in a pair, and only what a plan can use for one outside', () => {
    const desired = loadYaml(
      `${PAIR}---\nkind: Role\nname: solo\nsysctls: { kernel.panic: 10 }\n---\nkind: Node\nname: c\nroles: [solo]\n`,
    );
    expect(planCategories(desired, 'b')).toEqual([...CATEGORIES]);
    expect(planCategories(desired, 'c')).toEqual(['mounts', 'units', 'sysctls', 'files']);
  });

  it('verifies a fix with the categories of what it addresses: the units for a boot finding', () => {
    const fix = { category: 'mounts' as const, files: [], addresses: ['mounts|/data|mismatch|options|'] };
    expect(verifyCategories(fix)).toEqual(['mounts']);
    expect(verifyCategories({ ...fix, addresses: ['mounts|/srv/pypi|unsafe|boot-hang|'] })).toEqual([
      'mounts',
      'units',
    ]);
    expect(
      verifyCategories({
        category: 'sysctls',
        addresses: ['sysctls|kernel.panic|mismatch|live|'],
        files: [{ path: '/etc/sysctl.d/90-driftguard.conf', beforeSha256: null }],
      }),
    ).toEqual(['sysctls', 'files']);
  });
});
