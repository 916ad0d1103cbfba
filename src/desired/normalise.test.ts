import { loadYaml, problems as problemsIn } from '../../test/helpers/desired';
import { DEFAULT_MAX_REPORT_AGE_MS } from './normalise';

const load = (text: string) => loadYaml(text, '/d');
const problems = (text: string) => problemsIn(text, '/d');

describe('normalisation', () => {
  // toStrictEqual throughout: what was not written must be absent from the rule, not present as
  // `undefined` (`'mode' in rule`, Object.keys and the rule's JSON all see the difference). The
  // tables are spread into plain objects because they themselves have no prototype.
  it('fills rule defaults and keeps only what was written', () => {
    const role = load(`
kind: Role
name: r
mounts:
  /srv/a: {}
units:
  a.service: {masked: true}
  b.service: {enabled: false}
files:
  /etc/watched: {}
  /etc/gone: {present: false}
  /etc/hashed: {sha256: "${'A'.repeat(64)}"}
  /etc/owned: {owner: root, sensitive: true}
  /etc/grouped: {group: adm}
users:
  old: {present: false}
  app: {uid: 1001, renumber: false}
  svc: {gid: 1002}
`).roles['r'];
    const at = (line: number) => ({ file: 'd.yaml', line, col: 3 });
    expect({ ...role?.mounts }).toStrictEqual({ '/srv/a': { options: [], failover: false, at: at(5) } });
    expect({ ...role?.units }).toStrictEqual({
      'a.service': { masked: true, after: [], at: at(7) },
      'b.service': { enabled: false, after: [], at: at(8) },
    });
    // Saying anything about the content (sha256, mode, owner or group) implies `present: true`.
    expect({ ...role?.files }).toStrictEqual({
      '/etc/watched': { parity: false, at: at(10) },
      '/etc/gone': { parity: false, present: false, at: at(11) },
      '/etc/hashed': { parity: false, sha256: `sha256:${'a'.repeat(64)}`, present: true, at: at(12) },
      '/etc/owned': { parity: false, owner: 'root', present: true, sensitive: true, at: at(13) },
      '/etc/grouped': { parity: false, group: 'adm', present: true, at: at(14) },
    });
    expect({ ...role?.users }).toStrictEqual({
      old: { present: false, at: at(16) },
      app: { uid: 1001, present: true, renumber: false, at: at(17) },
      svc: { gid: 1002, present: true, at: at(18) },
    });
  });

  it('keeps the digits of a sysctl integer too large for a JavaScript number, as written', () => {
    const desired = load('kind: Role\nname: r\nsysctls:\n  kernel.x: 18446744073709551615\n');
    expect(desired.roles['r']?.sysctls['kernel.x']).toEqual({
      value: '18446744073709551615',
      at: { file: 'd.yaml', line: 4, col: 3 },
    });
  });

  it('trims the spaces around a cron expression', () => {
    const desired = load(
      'kind: Schedule\nname: s\ncron: " 0 3 * * * "\ntargets: [node:n]\n---\nkind: Node\nname: n\n',
    );
    expect(desired.schedules['s']?.cron).toBe('0 3 * * *');
  });

  it('gives a Pair without `readiness` the DEFAULT_MAX_REPORT_AGE_MS that the fleet uses without a pair', () => {
    const desired = load(
      'kind: Pair\nname: p\nprimary: a\nsecondary: b\n---\nkind: Node\nname: a\n---\nkind: Node\nname: b\n',
    );
    // Ten minutes, written out here: comparing with the constant alone would bless any value.
    expect(desired.pairs['p']?.readiness).toEqual({ maxReportAgeMs: 600_000 });
    expect(DEFAULT_MAX_REPORT_AGE_MS).toBe(600_000);
  });

  it('keeps names that are also Object.prototype properties as ordinary keys', () => {
    const desired = load(
      'kind: Role\nname: constructor\nusers:\n  __proto__: {uid: 1}\n---\nkind: Node\nname: n\nroles: [constructor]\n',
    );
    expect(Object.keys(desired.roles)).toEqual(['constructor']);
    expect(Object.keys(desired.roles['constructor']?.users ?? {})).toEqual(['__proto__']);
    expect(desired.roles['constructor']?.users['__proto__']?.uid).toBe(1);
  });

  it('refuses rules that contradict themselves, at the rule', () => {
    expect(
      problems(`kind: Role
name: r
units:
  a.service: {enabled: true, masked: true}
  b.service: {after: [a.service, b.service]}
files:
  /etc/x: {present: false, mode: "0600"}
  /etc/y: {present: false, group: adm}
users:
  old: {present: false, uid: 1001}
  gone: {present: false, gid: 1002}
`),
    ).toEqual([
      'd.yaml:4:3: unit `a.service` cannot be both enabled and masked',
      'd.yaml:5:34: unit `b.service` cannot be ordered after itself',
      'd.yaml:7:3: file `/etc/x` must be absent (`present: false`) yet has sha256/mode/owner/group',
      'd.yaml:8:3: file `/etc/y` must be absent (`present: false`) yet has sha256/mode/owner/group',
      'd.yaml:10:3: user `old` must be absent (`present: false`) yet has a uid/gid',
      'd.yaml:11:3: user `gone` must be absent (`present: false`) yet has a uid/gid',
    ]);
  });

  it('refuses two probes of one node with the same name', () => {
    expect(
      problems('kind: Node\nname: n\nprobes:\n  - {name: bmc, tcp: "h:623"}\n  - {name: bmc, tcp: "h:22"}\n'),
    ).toEqual(['d.yaml:5:12: probe name `bmc` is used twice in node `n` (first as probe 1)']);
  });

  it('reads a file with a byte-order mark and CRLF line ends', () => {
    const desired = load('\ufeffkind: Role\r\nname: r\r\nsysctls:\r\n  vm.swappiness: 10\r\n');
    expect(desired.roles['r']?.sysctls['vm.swappiness']).toEqual({
      value: '10',
      at: { file: 'd.yaml', line: 4, col: 3 },
    });
  });
});
