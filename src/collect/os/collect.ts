/**
 * The os collector: distribution (os-release), kernel release, architecture and hostname.
 *
 * Architecture: the kernel's machine name (`uname -m`). Linux ≥ 6.1 exposes it as
 * proc/sys/kernel/arch (Debian 12's kernel has it); older kernels (RHEL 9's 5.14) do not, so
 * the collector then asks `uname -m` through the command runner — the host's own answer for
 * `/`, captured output for a fixture tree, nothing (arch left out) when neither knows.
 */
import type { OsInfo } from '../../model/state';
import { CollectError } from '../../shared/errors';
import type { CommandRunner } from '../command-runner';
import type { RootFs } from '../root-fs';
import type { Collector } from '../types';
import { firstValueLine, parseOsRelease } from './parse';

/** os-release(5): /etc/os-release wins; /usr/lib/os-release is the fallback. */
export const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release'];

function readFirstLine(fs: RootFs, nodePath: string): string | undefined {
  const text = fs.readText(nodePath);
  return text === undefined ? undefined : firstValueLine(text);
}

async function machineArch(fs: RootFs, run: CommandRunner): Promise<string | undefined> {
  const fromKernel = readFirstLine(fs, '/proc/sys/kernel/arch');
  if (fromKernel !== undefined) return fromKernel;
  const result = await run.run(['uname', '-m']);
  return result.code === 0 ? firstValueLine(result.stdout) : undefined;
}

export async function collectOs(fs: RootFs, run: CommandRunner): Promise<OsInfo> {
  let release: Record<string, string> | undefined;
  for (const nodePath of OS_RELEASE_PATHS) {
    const text = fs.readText(nodePath);
    if (text !== undefined) {
      release = parseOsRelease(text);
      break;
    }
  }
  if (release === undefined) {
    throw new CollectError(`no /etc/os-release or /usr/lib/os-release under ${fs.description}`);
  }

  const info: OsInfo = {
    // os-release(5): ID defaults to "linux" when absent. VERSION_ID may be absent (Debian
    // testing/sid); the empty string says "no version" without inventing one.
    id: release.ID || 'linux',
    versionId: release.VERSION_ID ?? '',
  };
  if (release.PRETTY_NAME) info.prettyName = release.PRETTY_NAME;
  const kernel = readFirstLine(fs, '/proc/sys/kernel/osrelease');
  if (kernel !== undefined) info.kernel = kernel;
  const arch = await machineArch(fs, run);
  if (arch !== undefined) info.arch = arch;
  // The running name first (what the peer and the cluster see), the configured one otherwise.
  const hostname = readFirstLine(fs, '/proc/sys/kernel/hostname') ?? readFirstLine(fs, '/etc/hostname');
  if (hostname !== undefined) info.hostname = hostname;
  return info;
}

export const osCollector: Collector<'os'> = {
  category: 'os',
  collect(ctx) {
    return collectOs(ctx.fs, ctx.run);
  },
};
