/**
 * Collects the installed packages of a node: dpkg's database when the node has one, otherwise
 * rpm's (through the command runner: rpm's database is not a text file).
 */
import type { PackagesState } from '../../model/state';
import { CollectError, CommandError } from '../../shared/errors';
import { COMMAND_NOT_FOUND } from '../command-runner';
import type { RootFs } from '../root-fs';
import type { CollectContext } from '../types';
import type { DpkgFile } from './parse-dpkg';
import { dpkgPackageItems, journalFileOrder, readDpkgDatabase } from './parse-dpkg';
import { parseRpmQuery, RPM_QUERY_ARGV } from './parse-rpm';

export const DPKG_STATUS = '/var/lib/dpkg/status';
export const DPKG_UPDATES = '/var/lib/dpkg/updates';

/** dpkg's status file and its pending journal, or undefined when the node has no dpkg database. */
export function readDpkgFiles(fs: RootFs): { status: DpkgFile; journal: DpkgFile[] } | undefined {
  const statusText = fs.readText(DPKG_STATUS);
  if (statusText === undefined) return undefined;
  const names = (fs.list(DPKG_UPDATES) ?? [])
    .filter((entry) => entry.type !== 'directory')
    .map((entry) => entry.name);
  const journal = journalFileOrder(names, DPKG_UPDATES).map((name) => {
    const path = `${DPKG_UPDATES}/${name}`;
    // Listed a moment ago; if dpkg removed it since, it has been merged into status already.
    return { path, text: fs.readText(path) ?? '' };
  });
  return { status: { path: DPKG_STATUS, text: statusText }, journal };
}

export async function collectPackages(ctx: CollectContext): Promise<PackagesState> {
  const dpkg = readDpkgFiles(ctx.fs);
  if (dpkg) {
    return { manager: 'dpkg', items: dpkgPackageItems(readDpkgDatabase(dpkg.status, dpkg.journal)) };
  }

  const result = await ctx.run.run(RPM_QUERY_ARGV);
  if (result.code === COMMAND_NOT_FOUND) {
    throw new CollectError(
      `no package database on ${ctx.fs.description}: ${DPKG_STATUS} does not exist and 'rpm' is not available`,
    );
  }
  if (result.code !== 0) {
    throw new CommandError(`'rpm -qa' failed with exit code ${result.code}: ${result.stderr.trim()}`);
  }
  return { manager: 'rpm', items: parseRpmQuery(result.stdout) };
}
