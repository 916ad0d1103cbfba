import * as fs from 'node:fs';
import * as path from 'node:path';
import { IoError, errorMessage } from './errors';

/**
 * Writes a file so that readers see the old content or the new, never half of it: write a
 * temporary file beside it, fsync, rename over. A crash leaves at most a stray `.tmp` file. The
 * folder is made when missing (`collect --out /tmp/pypi/pypi-1.json` on a fresh machine); a
 * failure is an IoError naming the file.
 */
export function writeFileAtomic(file: string, content: string | Buffer, mode = 0o644): void {
  const dir = path.dirname(file);
  const temporary = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const fd = fs.openSync(temporary, 'w', mode);
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  } catch (err) {
    fs.rmSync(temporary, { force: true });
    throw new IoError(`cannot write ${file}: ${errorMessage(err)}`, err);
  }
}
