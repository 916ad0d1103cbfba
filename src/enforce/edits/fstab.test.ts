import { parseFstab } from '../../collect/parsers/fstab';
import { editFstabLine, fstabLine } from './fstab';

describe('editFstabLine: fields', () => {
  it('writes a new device into the first field, escaped, and keeps every blank around it', () => {
    expect(
      editFstabLine('\t /dev/sdb1  /data\text4   defaults  0  2 \t', { spec: '/dev/disk/by-label/my data' }),
    ).toBe('\t /dev/disk/by-label/my\\040data  /data\text4   defaults  0  2 \t');
  });

  it('writes a new type into the third field, escaped, leaving the mount point alone', () => {
    expect(editFstabLine('/dev/sdb1 /data ext4 defaults 0 2', { vfstype: 'xfs' })).toBe(
      '/dev/sdb1 /data xfs defaults 0 2',
    );
    expect(editFstabLine('/dev/sdb1 /data ext4 defaults 0 2', { spec: 'a\\b', vfstype: 'fuse.my fs' })).toBe(
      'a\\134b /data fuse.my\\040fs defaults 0 2',
    );
  });

  it('leaves the line byte for byte as it is when nothing is to change, empty option words included', () => {
    const line = '  /dev/a\t/b  ext4 rw,,noatime 0 2  ';
    expect(editFstabLine(line, {})).toBe(line);
    expect(editFstabLine(line, { options: { add: [], remove: [] } })).toBe(line);
  });

  it('keeps fields past the sixth, which libmount ignores', () => {
    expect(editFstabLine('/dev/a /b ext4 defaults 0 2 extra', { passno: 1 })).toBe(
      '/dev/a /b ext4 defaults 0 1 extra',
    );
  });
});

describe('editFstabLine: options', () => {
  it('takes an option out by its unescaped value and keeps the others exactly as written', () => {
    expect(
      editFstabLine('//nas/s /mnt/s cifs ro,comment=my\\040share,noatime 0 0', {
        options: { add: [], remove: ['comment=my share'] },
      }),
    ).toBe('//nas/s /mnt/s cifs ro,noatime 0 0');
    expect(
      editFstabLine('//nas/s /mnt/s cifs ro,comment=my\\040share 0 0', {
        options: { add: [], remove: ['ro'] },
      }),
    ).toBe('//nas/s /mnt/s cifs comment=my\\040share 0 0');
  });

  it('does not add an option the line already has written with escapes', () => {
    expect(
      editFstabLine('//nas/s /mnt/s cifs comment=a\\040b 0 0', {
        options: { add: ['comment=a b', 'nofail'], remove: [] },
      }),
    ).toBe('//nas/s /mnt/s cifs comment=a\\040b,nofail 0 0');
  });

  it('appends new options after the kept ones, escaped', () => {
    const edited = editFstabLine('/dev/drbd0 /srv/x ext4 defaults,noatime 0 2', {
      options: { add: ['x-systemd.requires-mounts-for=/srv/my data', 'nofail'], remove: ['noatime'] },
    });
    expect(edited).toBe(
      '/dev/drbd0 /srv/x ext4 defaults,x-systemd.requires-mounts-for=/srv/my\\040data,nofail 0 2',
    );
    expect(parseFstab(edited).entries[0]?.options).toEqual([
      'defaults',
      'x-systemd.requires-mounts-for=/srv/my data',
      'nofail',
    ]);
  });

  it('takes out before it adds: an option in both lists is written once, after the kept ones', () => {
    expect(
      editFstabLine('/dev/a /b ext4 nofail,noatime 0 0', {
        options: { add: ['nofail'], remove: ['nofail'] },
      }),
    ).toBe('/dev/a /b ext4 noatime,nofail 0 0');
  });

  it('writes `defaults` when every option is taken out', () => {
    expect(editFstabLine('/dev/a /b ext4 noauto 0 0', { options: { add: [], remove: ['noauto'] } })).toBe(
      '/dev/a /b ext4 defaults 0 0',
    );
  });

  it('gives a line of three fields an options field, after one tab', () => {
    expect(editFstabLine('/dev/a /b ext4', { options: { add: ['nofail'], remove: [] } })).toBe(
      '/dev/a /b ext4\tnofail',
    );
    expect(editFstabLine('/dev/a /b ext4', { options: { add: [], remove: ['auto'] } })).toBe(
      '/dev/a /b ext4\tdefaults',
    );
  });
});

describe('editFstabLine: fsck pass', () => {
  it('sets the sixth field, to 0 as well as to another number', () => {
    expect(editFstabLine('/dev/a  /b  ext4  defaults  0  2', { passno: 0 })).toBe(
      '/dev/a  /b  ext4  defaults  0  0',
    );
    expect(editFstabLine('/dev/a /b ext4 defaults 0 0', { passno: 2 })).toBe('/dev/a /b ext4 defaults 0 2');
  });

  it('keeps the options and the dump frequency a shorter line has, and fills in only what is missing', () => {
    expect(editFstabLine('/dev/a /b ext4 noatime', { passno: 2 })).toBe('/dev/a /b ext4 noatime\t0\t2');
    expect(editFstabLine('/dev/a /b ext4 noatime 1', { passno: 2 })).toBe('/dev/a /b ext4 noatime 1\t2');
    expect(editFstabLine('/dev/a /b ext4', { passno: 1, options: { add: ['ro'], remove: [] } })).toBe(
      '/dev/a /b ext4\tro\t0\t1',
    );
  });

  it('edits the last field of a CRLF line without the carriage return getting into it', () => {
    expect(editFstabLine('/dev/a /b ext4 defaults 0 0\r', { passno: 2 })).toBe(
      '/dev/a /b ext4 defaults 0 2\r',
    );
    expect(editFstabLine('/dev/a /b ext4\r', { passno: 2 })).toBe('/dev/a /b ext4\tdefaults\t0\t2\r');
  });
});

describe('editFstabLine: what is not an entry', () => {
  it('refuses a line of fewer than three fields, a comment and a blank line, quoting the line', () => {
    expect(() => editFstabLine('/dev/a /b', { passno: 1 })).toThrow(
      new Error('not an fstab entry: "/dev/a /b"'),
    );
    expect(() => editFstabLine('  #/dev/a /b ext4 defaults 0 0', { passno: 1 })).toThrow(
      new Error('not an fstab entry: "  #/dev/a /b ext4 defaults 0 0"'),
    );
    expect(() => editFstabLine('', { passno: 1 })).toThrow(new Error('not an fstab entry: ""'));
  });

  it('accepts a device with `#` inside it: only a first field starting with `#` is a comment', () => {
    expect(editFstabLine('/dev/a#1 /b ext4 defaults 0 0', { passno: 2 })).toBe(
      '/dev/a#1 /b ext4 defaults 0 2',
    );
  });
});

describe('fstabLine', () => {
  it('writes the six fields separated by tabs, each escaped, options joined by commas', () => {
    const line = fstabLine({
      spec: '//nas/my share',
      file: '/mnt/my share',
      vfstype: 'cifs',
      options: ['credentials=/etc/my creds', 'ro'],
    });
    expect(line).toBe('//nas/my\\040share\t/mnt/my\\040share\tcifs\tcredentials=/etc/my\\040creds,ro\t0\t0');
    expect(parseFstab(line).entries[0]).toMatchObject({
      spec: '//nas/my share',
      file: '/mnt/my share',
      options: ['credentials=/etc/my creds', 'ro'],
    });
  });

  it('escapes the type like every other field', () => {
    expect(fstabLine({ spec: '/dev/sdb1', file: '/data', vfstype: 'fuse.my fs', options: ['ro'] })).toBe(
      '/dev/sdb1\t/data\tfuse.my\\040fs\tro\t0\t0',
    );
  });

  it('writes the dump frequency and fsck pass it is given, and `defaults` for no options', () => {
    expect(
      fstabLine({ spec: '/dev/sdb1', file: '/data', vfstype: 'xfs', options: [], freq: 1, passno: 2 }),
    ).toBe('/dev/sdb1\t/data\txfs\tdefaults\t1\t2');
  });
});
