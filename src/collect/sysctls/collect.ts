/**
 * The sysctls collector: live values from proc/sys and what sysctl.d would apply at boot. The
 * PyPI 2013 primary had `kernel.panic = 0` and never rebooted itself after a panic; a key must
 * be right in both places, so both are recorded.
 */
import type { SysctlsState } from '../../model/state';
import { CollectError } from '../../shared/errors';
import type { RootFs } from '../root-fs';
import type { Collector } from '../types';
import { listSysctlConfFiles } from './config-files';
import { readLiveSysctls } from './live';
import type { SysctlConfText } from './merge';
import { mergePersistedSysctls } from './merge';

/**
 * The sysctl.d files with their text. A masked entry (symlink to /dev/null, empty file) reads as
 * empty; a dangling symlink or a directory named `*.conf` contributes nothing, as in systemd
 * (which skips ENOENT and logs read errors).
 */
export function readSysctlConfFiles(fs: RootFs): SysctlConfText[] {
  return listSysctlConfFiles(fs).map((nodePath) => {
    let text: string | undefined;
    try {
      text = fs.readText(nodePath);
    } catch {
      text = undefined;
    }
    return { path: nodePath, text: text ?? '' };
  });
}

export function collectSysctls(fs: RootFs): SysctlsState {
  const live = readLiveSysctls(fs);
  if (live === undefined) {
    // Without proc/sys there is no live value to compare; an empty map would read as "every key
    // missing", so say plainly what is wrong instead.
    throw new CollectError(`no /proc/sys under ${fs.description}: live sysctls cannot be read`);
  }
  const { persisted, warnings } = mergePersistedSysctls(readSysctlConfFiles(fs));
  return warnings.length > 0 ? { live, persisted, warnings } : { live, persisted };
}

export const sysctlsCollector: Collector<'sysctls'> = {
  category: 'sysctls',
  collect(ctx) {
    return Promise.resolve().then(() => collectSysctls(ctx.fs));
  },
};
