import { CollectError } from '../../shared/errors';
import { parseRpmQuery, RPM_QUERY_ARGV } from './parse-rpm';

const lines = (...rows: string[][]): string => rows.map((row) => row.join('\t') + '\n').join('');

describe('parseRpmQuery', () => {
  it('asks rpm for tab-separated fields with the numeric epoch', () => {
    // rpm expands the \t and \n escapes itself; argv carries them literally.
    expect(RPM_QUERY_ARGV).toEqual([
      'rpm',
      '-qa',
      '--qf',
      '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n',
    ]);
  });

  it('builds [epoch:]version-release with the epoch only when it is not 0', () => {
    const items = parseRpmQuery(
      lines(
        ['bash', '0', '5.1.8', '9.el9', 'x86_64'],
        ['openssl-libs', '1', '3.0.7', '27.el9', 'x86_64'],
        ['bind-license', '32', '9.16.23', '18.el9_4.1', 'noarch'],
      ),
    );
    expect(items).toEqual({
      'bash:x86_64': { name: 'bash', arch: 'x86_64', version: '5.1.8-9.el9', status: 'installed' },
      'bind-license:noarch': {
        name: 'bind-license',
        arch: 'noarch',
        version: '32:9.16.23-18.el9_4.1',
        status: 'installed',
      },
      'openssl-libs:x86_64': {
        name: 'openssl-libs',
        arch: 'x86_64',
        version: '1:3.0.7-27.el9',
        status: 'installed',
      },
    });
  });

  it('keeps multilib packages apart and leaves out gpg-pubkey keys', () => {
    const items = parseRpmQuery(
      lines(
        ['glibc', '0', '2.34', '100.el9_4.2', 'x86_64'],
        ['glibc', '0', '2.34', '100.el9_4.2', 'i686'],
        ['gpg-pubkey', '0', '350d275d', '6279464b', '(none)'],
        ['gpg-pubkey', '0', 'fd431d51', '4ae0493b', '(none)'],
      ),
    );
    expect(Object.keys(items)).toEqual(['glibc:i686', 'glibc:x86_64']);
  });

  it('reports install-only packages by their newest version, the others newest first', () => {
    const items = parseRpmQuery(
      lines(
        ['kernel-core', '0', '5.14.0', '427.13.1.el9_4', 'x86_64'],
        ['kernel-core', '0', '5.14.0', '503.14.1.el9_5', 'x86_64'],
        ['kernel-core', '0', '5.14.0', '427.18.1.el9_4', 'x86_64'],
      ),
    );
    expect(items['kernel-core:x86_64']).toEqual({
      name: 'kernel-core',
      arch: 'x86_64',
      version: '5.14.0-503.14.1.el9_5',
      status: 'installed',
      otherVersions: ['5.14.0-427.18.1.el9_4', '5.14.0-427.13.1.el9_4'],
    });
  });

  it('accepts empty output and refuses lines that are not five fields', () => {
    expect(parseRpmQuery('')).toEqual({});
    const bad = lines(['bash', '0', '5.1.8', '9.el9', 'x86_64']) + 'bash-5.1.8-9.el9.x86_64\n';
    expect(() => parseRpmQuery(bad)).toThrow(CollectError);
    expect(() => parseRpmQuery(bad)).toThrow(/line 2 is not/);
    expect(() => parseRpmQuery(lines(['bash', 'x', '5.1.8', '9.el9', 'x86_64']))).toThrow(/line 1/);
  });
});
