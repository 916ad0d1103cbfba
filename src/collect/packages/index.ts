/**
 * The `packages` collector: installed packages keyed `name:arch`, from dpkg (status file plus
 * its pending journal) or rpm.
 */
import type { Collector } from '../types';
import { collectPackages } from './collect';

export const packagesCollector: Collector<'packages'> = {
  category: 'packages',
  collect: collectPackages,
};

export { collectPackages, readDpkgFiles, DPKG_STATUS, DPKG_UPDATES } from './collect';
export {
  parseDpkgStanzas,
  readDpkgDatabase,
  dpkgPackageItems,
  journalFileOrder,
  isKeptDpkgState,
} from './parse-dpkg';
export type { DpkgDatabase, DpkgFile, DpkgRecord, DpkgState } from './parse-dpkg';
export { parseRpmQuery, RPM_QUERY_ARGV, RPM_QUERY_FORMAT } from './parse-rpm';
