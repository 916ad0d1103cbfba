import { loadYaml, problems as problemsIn } from '../../test/helpers/desired';

const load = (text: string) => loadYaml(text, '/d');
const problems = (text: string) => problemsIn(text, '/d');

describe('normalisation', () => {
  it('fills rule defaults and keeps only what was written', () => {
    const role = load(`
kind: Role
name: r
mounts:
  /srv/a: {}
units:
  a.service: {masked: true}
files:
  /etc/watched: {}
  /etc/gone: {present: false}
users:
  old: {present: false}
`).roles['r'];
    expect(role?.mounts['/srv/a']).toEqual({
      options: [],
      failover: false,
      at: { file: 'd.yaml', line: 5, col: 3 },
    });
    expect(role?.units['a.service']).toEqual({
      masked: true,
      after: [],
      at: { file: 'd.yaml', line: 7, col: 3 },
    });
    expect(role?.files['/etc/watched']).toEqual({ parity: false, at: { file: 'd.yaml', line: 9, col: 3 } });
    expect(role?.files['/etc/gone']).toMatchObject({ parity: false, present: false });
    expect(role?.users['old']).toMatchObject({ present: false });
    expect(role?.users['old']?.uid).toBeUndefined();
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
users:
  old: {present: false, uid: 1001}
`),
    ).toEqual([
      'd.yaml:4:3: unit `a.service` cannot be both enabled and masked',
      'd.yaml:5:34: unit `b.service` cannot be ordered after itself',
      'd.yaml:7:3: file `/etc/x` must be absent (`present: false`) yet has sha256/mode/owner/group',
      'd.yaml:9:3: user `old` must be absent (`present: false`) yet has a uid/gid',
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
