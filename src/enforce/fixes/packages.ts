import type { PackageManager } from '../../model/state';
import type { Fixer } from './types';
import { fix } from './types';

/** `key` is `name` or `name:arch`; apt spells an exact version `name:arch=version`, dnf `name-version.arch`. */
function install(manager: PackageManager, key: string, version?: string): string[] {
  if (manager === 'rpm') {
    const [name, arch] = key.split(':') as [string, string | undefined];
    const spec = version ? `${name}-${version}${arch ? `.${arch}` : ''}` : arch ? `${name}.${arch}` : name;
    return ['dnf', 'install', '--assumeyes', spec];
  }
  return ['apt-get', 'install', '--yes', '--allow-downgrades', version ? `${key}=${version}` : key];
}

function remove(manager: PackageManager, name: string): string[] {
  return manager === 'rpm' ? ['dnf', 'remove', '--assumeyes', name] : ['apt-get', 'remove', '--yes', name];
}

/** Packages: install the primary's exact version, or what the role asks; finish an interrupted run. */
export const fixPackage: Fixer = (finding, { target, model }) => {
  const node = finding.node ?? target?.node;
  if (!node) return undefined;
  const manager = target?.packages?.manager ?? model?.packages?.manager ?? 'dpkg';
  const name = finding.key.replace(/:[^:]+$/, '');
  const primaryVersion = typeof finding.expected === 'string' ? finding.expected : undefined;
  switch (finding.side) {
    case 'only-first':
    case 'newer-first':
      return fix(node, `install ${name} ${primaryVersion} on ${node}, the primary's version`, [
        install(manager, finding.key, primaryVersion),
      ]);
    case 'newer-second':
      return fix(
        node,
        `install ${name} ${primaryVersion} on ${node} (a downgrade to the primary's version), or upgrade the primary`,
        [install(manager, finding.key, primaryVersion)],
      );
    case 'only-second':
      return fix(
        node,
        `${name} is only on ${node}: remove it there, install it on the primary, or add it to the pair's ignore list`,
        [remove(manager, name)],
      );
  }
  if (finding.kind === 'unsafe')
    return fix(
      node,
      `finish the interrupted package run on ${node}`,
      manager === 'dpkg' ? [['dpkg', '--configure', '-a']] : [],
    );
  if (finding.kind === 'unexpected') return fix(node, `remove ${name} from ${node}`, [remove(manager, name)]);
  return fix(node, `install ${name} on ${node}`, [install(manager, name)]);
};
