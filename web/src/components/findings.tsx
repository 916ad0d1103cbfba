/**
 * Findings as the pages list them: severity, the sentence, since when, the evidence lines, the
 * file diff, and (for readiness) the fix `plan` would make.
 */
import type { TimedFinding } from '../../../src/model/api';
import type { Finding } from '../../../src/model/finding';
import type { ProposedFix, ReadinessFinding } from '../../../src/model/readiness';
import { Time } from './common';
import { Diff } from './diff';

export type ShownFinding = (Finding | ReadinessFinding) &
  Partial<Pick<TimedFinding, 'firstSeen' | 'resolvedAt'>>;

/** A fix as argv commands (shown as a person would type them) and file diffs. */
export function FixView({ fix }: { fix: ProposedFix }) {
  return (
    <div class="fix" data-fix>
      <p>
        <b>
          {fix.action === 'advice' ? 'By hand on' : 'Fix on'} {fix.node}:
        </b>{' '}
        {fix.description}
        {fix.reason && <span class="muted"> — {fix.reason}</span>}
      </p>
      {fix.commands.length > 0 && (
        <pre class="commands">
          {fix.commands.map((argv) => `$ ${argv.map(quoteArg).join(' ')}`).join('\n')}
        </pre>
      )}
      {fix.files.map((file) =>
        file.diff ? <Diff key={file.path} text={file.diff} label={`change to ${file.path}`} /> : null,
      )}
    </div>
  );
}

/** An argument as a shell would need it, for reading only: driftguard itself never runs a shell string. */
export function quoteArg(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function FindingItem({ finding }: { finding: ShownFinding }) {
  const fix = 'fix' in finding ? finding.fix : undefined;
  return (
    <li class={`finding ${finding.severity}`} data-finding={`${finding.category}|${finding.key}`}>
      <span class={`badge ${finding.severity}`}>{finding.severity}</span> {finding.message}
      {finding.firstSeen && (
        <span class="muted">
          {' '}
          · open since <Time at={finding.firstSeen} label="first seen" />
        </span>
      )}
      {finding.evidence && finding.evidence.length > 0 && (
        <ul class="evidence">
          {finding.evidence.map((line, index) => (
            <li key={index}>
              <code>{line}</code>
            </li>
          ))}
        </ul>
      )}
      {finding.diff && <Diff text={finding.diff} label={`difference in ${finding.key}`} />}
      {fix && <FixView fix={fix} />}
    </li>
  );
}

export function FindingList({
  findings,
  empty = 'None.',
}: {
  findings: readonly ShownFinding[];
  empty?: string;
}) {
  if (findings.length === 0) return <p class="muted">{empty}</p>;
  return (
    <ul class="findings">
      {findings.map((finding, index) => (
        <FindingItem
          key={`${finding.category}|${finding.key}|${finding.aspect ?? ''}|${index}`}
          finding={finding}
        />
      ))}
    </ul>
  );
}
