/**
 * Every locked package supports the oldest Node the project says it runs on (`engines.node` in
 * package.json): otherwise `npm install` warns EBADENGINE there (cookie@2 needed Node 22 while
 * the project promised 20.10), and the package may use an API that Node lacks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';

const ROOT = path.join(__dirname, '..', '..');

interface Lock {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; dev?: boolean }>;
}

test('no locked package needs a newer Node than the oldest package.json promises', () => {
  const ours = (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
  ).engines.node;
  const oldest = semver.minVersion(ours)?.version as string;
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
  const narrower = Object.entries(lock.packages)
    .filter(([name]) => name !== '')
    .flatMap(([name, entry]) => {
      const needs = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (needs === undefined || semver.satisfies(oldest, needs)) return [];
      return [
        `${name.replace(/^.*node_modules\//, '')}@${entry.version ?? '?'} needs node ${needs}, not ${oldest}`,
      ];
    });
  expect(narrower).toEqual([]);
});
