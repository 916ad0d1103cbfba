import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes a file so that readers see the old content or the new, never half of it: write a
 * temporary file beside it, fsync, rename over. A crash leaves at most a stray `.tmp` file.
 */
export function writeFileAtomic(file: string, content: string | Buffer, mode = 0o644): void {
  const dir = path.dirname(file);
  const temporary = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(temporary, 'w', mode);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temporary, file);
  } catch (err) {
    fs.rmSync(temporary, { force: true });
    throw err;
  }
}
