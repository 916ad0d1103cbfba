import { parseMountinfo, parseMountinfoLine, visibleMounts } from './parse';

describe('parseMountinfoLine', () => {
  it('parses the example of proc(5), with one optional field', () => {
    expect(
      parseMountinfoLine('36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue'),
    ).toEqual({
      mountId: 36,
      parentId: 35,
      device: '98:0',
      root: '/mnt1',
      mountPoint: '/mnt2',
      options: ['rw', 'noatime'],
      fstype: 'ext3',
      source: '/dev/root',
      superOptions: ['rw', 'errors=continue'],
    });
  });

  it('finds the separator whatever the number of optional fields', () => {
    expect(parseMountinfoLine('1 0 8:1 / / rw - ext4 /dev/sda1 rw')?.source).toBe('/dev/sda1');
    expect(
      parseMountinfoLine('1 0 8:1 / / rw shared:1 master:2 propagate_from:3 - ext4 /dev/sda1 rw')?.fstype,
    ).toBe('ext4');
  });

  it('keeps an empty source (two spaces)', () => {
    expect(parseMountinfoLine('100 28 0:55 / /srv/e rw - tmpfs  rw,size=1024k')).toMatchObject({
      fstype: 'tmpfs',
      source: '',
      superOptions: ['rw', 'size=1024k'],
    });
  });

  it('decodes escapes in paths and the source, and drops the (deleted) suffix', () => {
    expect(
      parseMountinfoLine('90 28 254:17 /a\\040b /srv/my\\040data rw - ext4 /dev/x\\134y rw'),
    ).toMatchObject({
      root: '/a b',
      mountPoint: '/srv/my data',
      source: '/dev/x\\y',
    });
    expect(
      parseMountinfoLine('99 28 254:81 / /srv/old\\040dir\\040(deleted) rw - ext4 /dev/vdf1 rw')?.mountPoint,
    ).toBe('/srv/old dir');
  });

  it('rejects lines that are not mountinfo', () => {
    expect(parseMountinfoLine('/dev/sda1 / ext4 rw 0 0')).toBeUndefined();
    expect(parseMountinfoLine('1 0 8:1 / / rw shared:1 ext4 /dev/sda1 rw')).toBeUndefined();
    expect(parseMountinfoLine('x 0 8:1 / / rw - ext4 /dev/sda1 rw')).toBeUndefined();
  });
});

describe('visibleMounts', () => {
  const stack = [
    '97 96 0:53 / /srv/stack rw - tmpfs top rw',
    '28 1 254:1 / / rw - ext4 /dev/vda1 rw',
    '96 95 0:52 / /srv/stack rw - tmpfs middle rw',
    '95 28 0:51 / /srv/stack rw - tmpfs bottom rw',
    '40 28 0:40 / /srv/single rw - tmpfs single rw',
  ].join('\n');

  it('reports the top of a stack by the parent chain, not by file order, with how many it hides', () => {
    const live = visibleMounts(parseMountinfo(stack).entries);
    expect(live.map((m) => [m.mountPoint, m.source, m.overmounted])).toEqual([
      ['/srv/stack', 'top', 2],
      ['/', '/dev/vda1', undefined],
      ['/srv/single', 'single', undefined],
    ]);
  });

  it('takes the last listed when the parent chain names no single top', () => {
    const text = '50 28 0:1 / /a rw - tmpfs first rw\n51 28 0:2 / /a rw - tmpfs second rw';
    const live = visibleMounts(parseMountinfo(text).entries);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ source: 'second', overmounted: 1 });
  });

  it('reports bad lines by number and parses the rest', () => {
    const parsed = parseMountinfo('28 1 254:1 / / rw - ext4 /dev/vda1 rw\ngarbage\n');
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.badLines).toEqual([2]);
  });
});
