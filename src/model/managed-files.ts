/**
 * The files driftguard itself writes on a node (DESIGN §9): one sysctl.d file, and one drop-in
 * per unit it orders. Collectors record them (so a plan knows their text and can edit them line
 * by line), the planner writes them; nothing else of a node is driftguard's own.
 */

/** The one sysctl.d file driftguard writes. */
export const MANAGED_SYSCTL_FILE = '/etc/sysctl.d/90-driftguard.conf';

/** Where unit drop-ins of the administrator live (they win over packages' units). */
export const SYSTEM_UNIT_DIR = '/etc/systemd/system';

/** The name of driftguard's drop-in in a unit's `UNIT.d/` directory. */
export const MANAGED_DROP_IN_NAME = '50-driftguard.conf';

/** driftguard's drop-in for a unit: orderings and requirements can be added by drop-ins (systemd.unit(5)). */
export function managedDropInPath(unit: string): string {
  return `${SYSTEM_UNIT_DIR}/${unit}.d/${MANAGED_DROP_IN_NAME}`;
}

/** The unit whose driftguard drop-in `path` is (the inverse of `managedDropInPath`), if it is one. */
export function unitOfManagedDropIn(path: string): string | undefined {
  const prefix = `${SYSTEM_UNIT_DIR}/`;
  const suffix = `.d/${MANAGED_DROP_IN_NAME}`;
  if (path.length <= prefix.length + suffix.length) return undefined;
  return path.startsWith(prefix) && path.endsWith(suffix)
    ? path.slice(prefix.length, -suffix.length)
    : undefined;
}
