/**
 * The readiness checks of a pair, failing ones first and open: status, summary, and the findings
 * with their evidence and the fixes `plan` would make.
 */
import type { CheckResult, CheckStatus } from '../../../src/model/readiness';
import { plural } from '../format';
import { Disclosure } from './disclosure';
import { FindingList } from './findings';

const ORDER: Record<CheckStatus, number> = { fail: 0, warn: 1, pass: 2 };
const BADGE: Record<CheckStatus, string> = { fail: 'error', warn: 'warning', pass: 'go' };

export function ReadinessChecks({ checks }: { checks: readonly CheckResult[] }) {
  const sorted = [...checks].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  return (
    <div class="checks">
      {sorted.map((check) => (
        <Disclosure
          key={check.id}
          class={`check ${check.status}`}
          data-check={check.id}
          data-status={check.status}
          initiallyOpen={check.status === 'fail'}
          summary={
            <>
              <span class={`badge ${BADGE[check.status]}`}>{check.status}</span> <code>{check.id}</code> —{' '}
              {check.summary}
              {check.findings.length > 0 && (
                <span class="muted"> ({plural(check.findings.length, 'finding')})</span>
              )}
            </>
          }
        >
          <FindingList findings={check.findings} empty="No findings." />
        </Disclosure>
      ))}
    </div>
  );
}
