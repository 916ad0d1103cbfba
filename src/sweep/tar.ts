/**
 * Just enough of a tar reader for the sweep: the regular files of an archive made by GNU tar
 * (`tar -c --no-recursion --hard-dereference`), read synchronously from one Buffer. Handles the
 * ustar header, GNU long names (`L` entries), pax extended headers (`x`, `path=`) and base-256
 * sizes. Everything but regular files is skipped: metadata comes from find, tar only frames the
 * contents. A library (tar-stream) would bring a streaming API and three dependencies to
 * replace these sixty lines.
 */

export interface TarFile {
  /** The member name as tar stored it (`./etc/fstab`). */
  name: string;
  content: Buffer;
}

const BLOCK = 512;

function cString(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

/** A numeric header field: octal text, or base-256 when the high bit of its first byte is set. */
function numberField(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  if (((field[0] as number) & 0x80) !== 0) {
    let value = (field[0] as number) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] as number);
    return value;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** `path=` from a pax extended header (`LEN key=value\n` records). */
function paxPath(data: Buffer): string | undefined {
  let pos = 0;
  let found: string | undefined;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const length = parseInt(data.subarray(pos, space).toString('latin1'), 10);
    if (!(length > 0)) break;
    const record = data.subarray(space + 1, pos + length - 1).toString('utf8');
    if (record.startsWith('path=')) found = record.slice(5);
    pos += length;
  }
  return found;
}

export function readTar(archive: Buffer): TarFile[] {
  const files: TarFile[] = [];
  let pos = 0;
  let longName: string | undefined;
  while (pos + BLOCK <= archive.length) {
    const header = archive.subarray(pos, pos + BLOCK);
    if (header.every((byte) => byte === 0)) break; // end-of-archive marker
    const size = numberField(header, 124, 12);
    const type = String.fromCharCode(header[156] as number);
    const dataStart = pos + BLOCK;
    const data = archive.subarray(dataStart, dataStart + size);
    if (data.length < size) throw new Error(`tar archive truncated in a member of ${size} bytes`);
    pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (type === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    let name = longName;
    longName = undefined;
    if (name === undefined) {
      // POSIX ustar splits long names into prefix + name; GNU's own format uses that area for
      // other fields (and `L` entries for long names), so the prefix counts only under "ustar\0".
      const posix = header.subarray(257, 263).toString('latin1') === 'ustar\0';
      const prefix = posix ? cString(header, 345, 155) : '';
      const base = cString(header, 0, 100);
      name = prefix ? `${prefix}/${base}` : base;
    }
    if (type === '0' || type === '\0' || type === '7') files.push({ name, content: data });
  }
  return files;
}
