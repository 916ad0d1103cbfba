/**
 * The system unit search path of systemd 252 on Debian 12, highest precedence first, exactly as
 * `systemd-analyze unit-paths` prints it. Debian still lists /lib/systemd/system before
 * /usr/lib/systemd/system (on a merged-/usr system both name the same directory; the first
 * name wins, which is why systemd reports `/lib/systemd/system/ssh.service` there).
 */

/** What a directory is for; decides enablement words (`enabled-runtime`, `generated` …). */
export type SearchDirKind =
  | 'control' // systemctl set-property
  | 'transient' // systemd-run
  | 'generator' // generator output (early, normal, late)
  | 'config' // /etc/systemd/system: the administrator's persistent configuration
  | 'attached' // portable services
  | 'runtime' // /run/systemd/system
  | 'vendor'; // packages

export interface SearchDir {
  path: string;
  kind: SearchDirKind;
}

export const PERSISTENT_CONFIG_DIR = '/etc/systemd/system';
export const GENERATOR_DIR = '/run/systemd/generator';

export const SYSTEM_UNIT_PATH: readonly SearchDir[] = [
  { path: '/etc/systemd/system.control', kind: 'control' },
  { path: '/run/systemd/system.control', kind: 'control' },
  { path: '/run/systemd/transient', kind: 'transient' },
  { path: '/run/systemd/generator.early', kind: 'generator' },
  { path: PERSISTENT_CONFIG_DIR, kind: 'config' },
  { path: '/etc/systemd/system.attached', kind: 'attached' },
  { path: '/run/systemd/system', kind: 'runtime' },
  { path: '/run/systemd/system.attached', kind: 'attached' },
  { path: GENERATOR_DIR, kind: 'generator' },
  { path: '/usr/local/lib/systemd/system', kind: 'vendor' },
  { path: '/lib/systemd/system', kind: 'vendor' },
  { path: '/usr/lib/systemd/system', kind: 'vendor' },
  { path: '/run/systemd/generator.late', kind: 'generator' },
];

/** path_is_runtime(): anything under /run is runtime state, gone at the next boot. */
export function isRuntimePath(path: string): boolean {
  return path === '/run' || path.startsWith('/run/');
}

/** path_startswith() on whole components: is `path` inside directory `dir`? */
export function isInside(path: string, dir: string): boolean {
  return path.length > dir.length && path.startsWith(dir) && path.charCodeAt(dir.length) === 0x2f;
}

/** The search directory that directly holds `path`, if any. */
export function searchDirOf(
  path: string,
  dirs: readonly SearchDir[] = SYSTEM_UNIT_PATH,
): SearchDir | undefined {
  const slash = path.lastIndexOf('/');
  const parent = slash <= 0 ? '/' : path.slice(0, slash);
  return dirs.find((dir) => dir.path === parent);
}
