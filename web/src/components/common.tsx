/** Small pieces every page uses: times, severity counts, verdicts, errors. */
import type { ComponentChildren } from 'preact';
import type { SeverityCounts } from '../../../src/model/api';
import type { Severity } from '../../../src/model/finding';
import type { Verdict } from '../../../src/model/readiness';
import { ago, duration, utc } from '../format';
import { useNow } from '../hooks';

/** "3 min ago", with the exact UTC instant on hover and for screen readers. */
export function Time({ at, label }: { at: string | undefined; label?: string }) {
  useNow();
  if (!at) return <span class="muted">never</span>;
  return (
    <time dateTime={at} title={`${label ? `${label}: ` : ''}${utc(at)}`}>
      {ago(at)}
    </time>
  );
}

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Error, warning and info counts as badges; nothing when all are zero (unless `zero`). */
export function Counts({ counts, zero = '—' }: { counts: SeverityCounts; zero?: string }) {
  const shown = SEVERITIES.filter((severity) => counts[severity] > 0);
  if (shown.length === 0) return <span class="muted">{zero}</span>;
  return (
    <span class="counts">
      {shown.map((severity) => (
        <span
          key={severity}
          class={`badge ${severity}`}
          title={`${counts[severity]} ${severity}${counts[severity] === 1 ? '' : 's'}`}
          data-severity={severity}
          data-count={counts[severity]}
        >
          {counts[severity]} {severity === 'error' ? 'err' : severity === 'warning' ? 'warn' : 'info'}
        </span>
      ))}
    </span>
  );
}

export function VerdictBadge({ verdict }: { verdict: Verdict | undefined }) {
  if (!verdict) return <span class="verdict none">not evaluated</span>;
  return <span class={`verdict ${verdict === 'GO' ? 'go' : 'no-go'}`}>{verdict}</span>;
}

export function ErrorBox({ error }: { error: Error }) {
  return (
    <p class="error-box" role="alert">
      {error.message}
    </p>
  );
}

export function Loading() {
  return <p class="muted">Loading…</p>;
}

/** A page's title and the line under it. */
export function PageHeader({ title, children }: { title: ComponentChildren; children?: ComponentChildren }) {
  return (
    <header class="page-header">
      <h1>{title}</h1>
      {children && <div class="subtitle">{children}</div>}
    </header>
  );
}

/** The mark of a node whose latest state is older than it may be. */
export function StaleTag({ maxReportAgeSeconds }: { maxReportAgeSeconds: number }) {
  return (
    <span class="tag stale-tag" title={`its latest state is older than ${duration(maxReportAgeSeconds)}`}>
      stale
    </span>
  );
}
