import { byFirstName, namesById, parseGroup, parsePasswd } from './passwd';

describe('parsePasswd', () => {
  it('reads the seven fields of each account', () => {
    const { entries, skipped } = parsePasswd(
      'root:x:0:0:root:/root:/bin/bash\npypi:x:990:990:PyPI service:/srv/pypi:/usr/sbin/nologin\n',
    );
    expect(entries).toEqual([
      { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
      { name: 'pypi', uid: 990, gid: 990, home: '/srv/pypi', shell: '/usr/sbin/nologin' },
    ]);
    expect(skipped).toEqual([]);
  });

  it('skips comments, blank lines and leading blanks like glibc', () => {
    const { entries } = parsePasswd('# comment\n\n   \n  daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n');
    expect(entries.map((e) => e.name)).toEqual(['daemon']);
  });

  it('accepts missing trailing fields as empty and keeps colons in the shell field', () => {
    const { entries } = parsePasswd('short:x:5:6\nodd:x:7:8:g:/home/odd:/bin/sh:extra\n');
    expect(entries).toEqual([
      { name: 'short', uid: 5, gid: 6, home: '', shell: '' },
      { name: 'odd', uid: 7, gid: 8, home: '/home/odd', shell: '/bin/sh:extra' },
    ]);
  });

  it('skips malformed and NIS compat lines and says why, with line numbers', () => {
    const { entries, skipped } = parsePasswd(
      [
        '+::::::',
        '-baduser',
        'nouid:x::1:::',
        'neg:x:-1:1:::',
        'big:x:4294967296:1:::',
        ':x:1:1:::',
        'ok:x:1:1:::',
      ].join('\n'),
    );
    expect(entries.map((e) => e.name)).toEqual(['ok']);
    expect(skipped).toEqual([
      { line: 1, reason: 'NIS compat entry (only nss_compat reads it)' },
      { line: 2, reason: 'NIS compat entry (only nss_compat reads it)' },
      { line: 3, reason: 'uid "" is not a number' },
      { line: 4, reason: 'uid "-1" is not a number' },
      { line: 5, reason: 'uid "4294967296" is not a number' },
      { line: 6, reason: 'empty name' },
    ]);
  });

  it('rejects a line with too few fields', () => {
    expect(parsePasswd('name:x:1\n').skipped).toEqual([{ line: 1, reason: 'fewer than 4 fields' }]);
  });
});

describe('parseGroup', () => {
  it('reads gid and members, dropping empty members and leading blanks', () => {
    const { entries } = parseGroup('sudo:x:27:admin, deploy,,\nnogroup:x:65534:\nbare:x:10\n');
    expect(entries).toEqual([
      { name: 'sudo', gid: 27, members: ['admin', 'deploy'] },
      { name: 'nogroup', gid: 65534, members: [] },
      { name: 'bare', gid: 10, members: [] },
    ]);
  });

  it('skips a group whose gid is not a number', () => {
    expect(parseGroup('bad:x:abc:\n').skipped).toEqual([{ line: 1, reason: 'gid "abc" is not a number' }]);
  });
});

describe('lookups', () => {
  const { entries } = parsePasswd('a:x:1:1:::\nb:x:1:2:::\na:x:3:3:::\n');

  it('byFirstName keeps the first entry of a duplicated name, as getpwnam does', () => {
    expect(byFirstName(entries)['a']?.uid).toBe(1);
  });

  it('namesById keeps the first name of a duplicated id, as getpwuid does', () => {
    expect(namesById(entries, (e) => e.uid).get(1)).toBe('a');
  });

  it('byFirstName does not confuse a user called like an Object method with a prototype property', () => {
    expect(byFirstName(parsePasswd('constructor:x:5:5:::\n').entries)['constructor']?.uid).toBe(5);
  });
});
