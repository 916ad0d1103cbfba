import { state } from '../../../test/helpers/states';
import { unsafe } from './finding';

describe('unsafe', () => {
  it('makes an error finding of kind unsafe on the node, with the rule its aspect', () => {
    expect(
      unsafe(state('pypi-2'), {
        category: 'mounts',
        key: '/srv/pypi',
        aspect: 'boot-hang',
        message: '/srv/pypi hangs the boot.',
        evidence: ['/etc/fstab:17: /dev/drbd0 /srv/pypi ext4 defaults 0 2'],
        expected: 'not mounted at boot',
        actual: { options: 'defaults', requiredBy: 'local-fs.target' },
      }),
    ).toEqual({
      category: 'mounts',
      key: '/srv/pypi',
      kind: 'unsafe',
      severity: 'error',
      message: '/srv/pypi hangs the boot.',
      node: 'pypi-2',
      aspect: 'boot-hang',
      evidence: ['/etc/fstab:17: /dev/drbd0 /srv/pypi ext4 defaults 0 2'],
      expected: 'not mounted at boot',
      actual: { options: 'defaults', requiredBy: 'local-fs.target' },
    });
  });

  it('leaves expected and actual out when not given, so the finding has no such keys', () => {
    const finding = unsafe(state('pypi-1'), {
      category: 'units',
      key: 'a.service',
      aspect: 'ordering-cycle',
      message: 'cycle',
      evidence: [],
    });
    expect(finding).toEqual({
      category: 'units',
      key: 'a.service',
      kind: 'unsafe',
      severity: 'error',
      message: 'cycle',
      node: 'pypi-1',
      aspect: 'ordering-cycle',
      evidence: [],
    });
    expect(Object.keys(finding)).not.toContain('expected');
    expect(Object.keys(finding)).not.toContain('actual');
  });

  it('keeps falsy expected and actual values: only undefined means not given', () => {
    const finding = unsafe(state('pypi-1'), {
      category: 'units',
      key: 'a.service',
      aspect: 'after',
      message: 'm',
      evidence: ['e'],
      expected: '',
      actual: 0,
    });
    expect(finding.expected).toBe('');
    expect(finding.actual).toBe(0);
    expect(Object.keys(finding).sort()).toEqual(
      [
        'actual',
        'aspect',
        'category',
        'evidence',
        'expected',
        'key',
        'kind',
        'message',
        'node',
        'severity',
      ].sort(),
    );
  });
});
