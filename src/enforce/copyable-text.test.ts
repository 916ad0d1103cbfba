import type { FileInfo } from '../model/state';
import { copyableText } from './copyable-text';

const regular = (extra: Partial<FileInfo> = {}): FileInfo => ({
  path: '/etc/app.conf',
  exists: true,
  type: 'file',
  text: 'port = 80\n',
  sha256: 'sha256:00',
  ...extra,
});

describe('copyableText', () => {
  it('gives the whole text of a regular file the state holds unredacted, the empty text too', () => {
    expect(copyableText(regular())).toBe('port = 80\n');
    expect(copyableText(regular({ text: '' }))).toBe('');
  });

  it('gives nothing for a file not recorded, or recorded absent', () => {
    expect(copyableText(undefined)).toBeUndefined();
    expect(copyableText(regular({ exists: false }))).toBeUndefined();
  });

  it('gives nothing for what is not a regular file, even with text', () => {
    expect(copyableText(regular({ type: 'symlink' }))).toBeUndefined();
    expect(copyableText(regular({ type: 'directory' }))).toBeUndefined();
    expect(copyableText(regular({ type: undefined }))).toBeUndefined();
  });

  it('gives nothing when the state holds no text of it', () => {
    expect(copyableText(regular({ text: undefined }))).toBeUndefined();
  });

  it('never gives redacted text: its markers are not the secret', () => {
    expect(
      copyableText(regular({ text: 'password = <redacted sha256:0123…>\n', redacted: true })),
    ).toBeUndefined();
  });
});
