import {
  escapePath,
  isValidUnitName,
  mangleUnitName,
  parseUnitName,
  templateOf,
  unitNameFromPath,
  withInstance,
} from './unit-name';

describe('unit names', () => {
  it('splits plain units, templates and instances', () => {
    expect(parseUnitName('drbd.service')).toEqual({ prefix: 'drbd', type: 'service' });
    expect(parseUnitName('drbd@.target')).toEqual({ prefix: 'drbd', instance: '', type: 'target' });
    expect(parseUnitName('drbd@r0.target')).toEqual({ prefix: 'drbd', instance: 'r0', type: 'target' });
    expect(templateOf('getty@tty1.service')).toBe('getty@.service');
    expect(templateOf('getty@.service')).toBeUndefined();
    expect(withInstance('drbd@.service', 'r0')).toBe('drbd@r0.service');
  });

  it('rejects what systemd rejects', () => {
    for (const bad of [
      '',
      'noSuffix',
      '.service',
      'foo.unknown',
      'a b.service',
      '@x.service',
      `${'a'.repeat(250)}.service`,
    ]) {
      expect(isValidUnitName(bad)).toBe(false);
    }
    expect(isValidUnitName('srv-my\\x20data.mount')).toBe(true);
  });

  it('escapes paths like systemd-escape --path', () => {
    expect(unitNameFromPath('/srv/pypi', '.mount')).toBe('srv-pypi.mount');
    expect(unitNameFromPath('/', '.mount')).toBe('-.mount');
    expect(escapePath('/srv/my-data/')).toBe('srv-my\\x2ddata');
    expect(escapePath('/.hidden')).toBe('\\x2ehidden');
    expect(escapePath('/srv/café')).toBe('srv-caf\\xc3\\xa9');
    expect(escapePath('/a/../b')).toBeUndefined();
  });

  it('mangles x-systemd.requires= values as the generator does', () => {
    expect(mangleUnitName('drbd@r0.target', '.mount')).toBe('drbd@r0.target');
    expect(mangleUnitName('/srv/base', '.mount')).toBe('srv-base.mount');
    expect(mangleUnitName('/dev/drbd0', '.mount')).toBe('dev-drbd0.device');
    expect(mangleUnitName('a,b.service', '.mount')).toBe('a\\x2cb.service');
    expect(mangleUnitName('"c', '.mount')).toBe('\\x22c.mount');
  });
});
