/** How runs read in every list and page: statuses as coloured badges, dry run or not, how long. */
import { duration, serverNow, utc } from '../format';
import { useNow } from '../hooks';

const TONE: Record<string, string> = {
  succeeded: 'good',
  applied: 'good',
  restored: 'good',
  failed: 'bad',
  abandoned: 'bad',
  refused: 'warn',
  running: 'active',
  pending: 'quiet',
  'not-attempted': 'quiet',
  'dry-run': 'quiet',
};

/** The status of a run, a node of a run or a fix, coloured by how it went. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={`status ${TONE[status] ?? 'quiet'}`} data-status={status}>
      {status}
    </span>
  );
}

/** "dry run" or "for real", so nobody mistakes one for the other in a list. */
export function DryRunTag({ dryRun }: { dryRun: boolean }) {
  return dryRun ? <span class="tag">dry run</span> : <span class="tag real">for real</span>;
}

/** How long a run took, or has been going (ticking while it runs). */
export function Elapsed({ from, to }: { from: string; to: string | undefined }) {
  useNow(1000);
  const end = to ? Date.parse(to) : serverNow();
  const seconds = Math.max(0, Math.round((end - Date.parse(from)) / 1000));
  return (
    <span title={to ? `finished ${utc(to)}` : 'still running'}>
      {duration(seconds)}
      {to ? '' : ' so far'}
    </span>
  );
}
