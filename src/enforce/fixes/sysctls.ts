import type { Fixer } from './types';
import { fix } from './types';

/** The one file driftguard manages in /etc/sysctl.d (DESIGN §9). */
export const MANAGED_SYSCTL_FILE = '/etc/sysctl.d/90-driftguard.conf';

/** The value to set: what the role or the primary has; for kernel.panic "> 0", reboot after 10 s. */
function wantedValue(expected: unknown): string | undefined {
  if (typeof expected !== 'string' && typeof expected !== 'number') return undefined;
  const text = String(expected);
  return text.startsWith('>') ? '10' : text;
}

/** sysctls: set it live with sysctl -w, and persist it in the managed sysctl.d file. */
export const fixSysctl: Fixer = (finding) => {
  const node = finding.node;
  const value = wantedValue(finding.expected);
  if (!node || value === undefined) return undefined;
  const line = `${finding.key} = ${value}`;
  const live = ['sysctl', '-w', `${finding.key}=${value}`];
  const persist = { path: MANAGED_SYSCTL_FILE, after: `${line}\n` };
  if (finding.aspect === 'live') return fix(node, `set ${line} live on ${node}`, [live]);
  if (finding.aspect === 'persisted' || finding.kind === 'not-persisted')
    return fix(node, `persist ${line} on ${node} in ${MANAGED_SYSCTL_FILE}`, [], [persist]);
  return fix(node, `set ${line} on ${node}, live and persisted`, [live], [persist]);
};
