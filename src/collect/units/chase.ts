/**
 * What systemd-fstab-generator does to a mount point before naming its unit: chase_symlinks()
 * with CHASE_PREFIX_ROOT | CHASE_NONEXISTENT, on the node it runs on. Symlinks are followed
 * (`/data → /srv/data` mounts on /srv/data), `..` is resolved against what exists
 * (`/mnt/../data` is /data), and from the first component that does not exist the rest is kept
 * as written (`/missing/../x` keeps its `..`, and then no unit can be named after it). A relative
 * path is taken from `/`, the generator's working directory at boot.
 */
import type { RootFs } from '../root-fs';

/** chase_symlinks' limit on symlinks followed; beyond it the generator uses the path as written. */
const MAX_FOLLOW = 32;

export function chaseMountPoint(fs: RootFs, where: string): string {
  try {
    return chase(fs, where);
  } catch {
    // A component too long for the file system, no permission: the generator says "Failed to
    // read symlink target …, using as-is".
    return where.startsWith('/') ? where : `/${where}`;
  }
}

function chase(fs: RootFs, where: string): string {
  const todo = where.split('/').filter((part) => part !== '');
  let done = '';
  let followed = 0;
  while (todo.length > 0) {
    const part = todo.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      done = done.slice(0, done.lastIndexOf('/'));
      continue;
    }
    const next = `${done}/${part}`;
    const stat = fs.lstat(next);
    if (stat === undefined) return [next, ...todo].join('/');
    if (stat.type === 'symlink') {
      const target = fs.readlink(next);
      if (target === undefined || ++followed > MAX_FOLLOW) return where.startsWith('/') ? where : `/${where}`;
      if (target.startsWith('/')) done = '';
      todo.unshift(...target.split('/').filter((segment) => segment !== ''));
      continue;
    }
    done = next;
  }
  return done === '' ? '/' : done;
}
