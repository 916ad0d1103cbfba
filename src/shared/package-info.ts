import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * driftguard's own package.json, found by walking up from this file: the same code runs from
 * `src/` under jest and from `dist/src/` when built.
 */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (
      fs.existsSync(candidate) &&
      (JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string }).name === 'driftguard'
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find driftguard package.json above ' + __dirname);
    dir = parent;
  }
}

export function packageVersion(): string {
  return (
    JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }
  ).version;
}
