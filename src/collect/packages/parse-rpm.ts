/**
 * The installed packages of an rpm node, from the output of RPM_QUERY_ARGV. Pure: text in,
 * entries out (the collector runs the command; an SSH sweep can run it remotely).
 */
import type { PackageEntry } from '../../model/state';
import { CollectError } from '../../shared/errors';
import { compareRpmEvr } from '../../versions';

/** One line per package: name, epoch (0 when none), version, release, arch, tab-separated. */
export const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n';
export const RPM_QUERY_ARGV: readonly string[] = ['rpm', '-qa', '--qf', RPM_QUERY_FORMAT];

/**
 * `gpg-pubkey` "packages" are the signing keys imported with `rpm --import` (version = key id,
 * release = creation time, arch `(none)`). They are not software, several share one
 * `name:arch` key, and which keys a node trusts is configuration: left out here (the key files
 * under /etc/pki/rpm-gpg are what a role should watch).
 */
const PSEUDO_PACKAGES: ReadonlySet<string> = new Set(['gpg-pubkey']);

/** `[epoch:]version-release`, the epoch only when it is not 0, as dnf shows it. */
function evrOf(epoch: string, version: string, release: string): string {
  return epoch === '0' || epoch === '' ? `${version}-${release}` : `${epoch}:${version}-${release}`;
}

/**
 * Parses the query output. Install-only packages (`kernel-core` …) can be installed several
 * times for one `name:arch`: the newest version (rpm's ordering) becomes `version`, the others
 * `otherVersions`, newest first.
 */
export function parseRpmQuery(text: string, source = 'rpm -qa'): Record<string, PackageEntry> {
  const byKey = new Map<string, string[]>();
  let lineNumber = 0;
  let pos = 0;
  while (pos < text.length) {
    lineNumber++;
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) lineEnd = text.length;
    if (lineEnd > pos) {
      const fields = text.slice(pos, lineEnd).split('\t');
      const [name, epoch, version, release, arch] = fields;
      if (
        fields.length !== 5 ||
        !name ||
        !version ||
        release === undefined ||
        !arch ||
        !/^[0-9]*$/.test(epoch as string)
      ) {
        throw new CollectError(
          `${source}: line ${lineNumber} is not 'name TAB epoch TAB version TAB release TAB arch'`,
        );
      }
      if (!PSEUDO_PACKAGES.has(name)) {
        const key = `${name}:${arch}`;
        const evr = evrOf(epoch as string, version, release);
        const versions = byKey.get(key);
        if (versions) versions.push(evr);
        else byKey.set(key, [evr]);
      }
    }
    pos = lineEnd + 1;
  }

  const items: Record<string, PackageEntry> = {};
  for (const key of [...byKey.keys()].sort()) {
    const versions = (byKey.get(key) as string[]).sort((a, b) => compareRpmEvr(b, a));
    const colon = key.lastIndexOf(':');
    const entry: PackageEntry = {
      name: key.slice(0, colon),
      arch: key.slice(colon + 1),
      version: versions[0] as string,
      status: 'installed',
    };
    if (versions.length > 1) entry.otherVersions = versions.slice(1);
    items[key] = entry;
  }
  return items;
}
