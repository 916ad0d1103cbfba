/**
 * A pair side by side: per category, each parity difference as "key | primary | secondary" with
 * what differs marked, file differences as unified diffs, and how many items were found identical.
 */
import type { ParityTally, TimedFinding } from '../../../src/model/api';
import type { Finding } from '../../../src/model/finding';
import { CATEGORIES } from '../../../src/model/state';
import type { Category } from '../../../src/model/state';
import { plural } from '../format';
import { Diff } from './diff';

const SIDE_TEXT: Record<NonNullable<Finding['side']>, string> = {
  'only-first': 'only on the primary',
  'only-second': 'only on the secondary',
  'newer-first': 'newer on the primary',
  'newer-second': 'newer on the secondary',
  different: 'different',
};

/** Hashes are long; their first 12 hex digits tell two apart (the whole one is on hover). */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^sha256:[0-9a-f]{64}$/.test(text) ? `${text.slice(0, 19)}…` : text;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function Scalar({ value, differs }: { value: unknown; differs: boolean }) {
  const text = shown(value);
  const title = text === String(value) ? undefined : String(value);
  return differs ? <mark title={title}>{text}</mark> : <span title={title}>{text}</span>;
}

/** A list, its items the other side lacks marked. */
function ListValue({ items, other }: { items: unknown[]; other: unknown }) {
  const others = Array.isArray(other) ? other.map((item) => JSON.stringify(item)) : [];
  if (items.length === 0) return <span class="muted">(none)</span>;
  return (
    <span class="list-value">
      {items.map((item, index) => (
        <span key={index}>
          {index > 0 && ', '}
          <Scalar value={item} differs={!others.includes(JSON.stringify(item))} />
        </span>
      ))}
    </span>
  );
}

/** One side's value: absent, a scalar, a list, or a record whose differing fields are marked. */
export function ValueCell({ value, other }: { value: unknown; other: unknown }) {
  if (value === undefined || value === null) return <mark class="absent">absent</mark>;
  if (Array.isArray(value)) return <ListValue items={value} other={other} />;
  if (typeof value === 'object') {
    const theirs = (other && typeof other === 'object' ? other : {}) as Record<string, unknown>;
    return (
      <dl class="fields">
        {Object.entries(value as Record<string, unknown>).map(([field, item]) => (
          <div key={field}>
            <dt>{field}</dt>
            <dd>
              {Array.isArray(item) ? (
                <ListValue items={item} other={theirs[field]} />
              ) : (
                <Scalar value={item} differs={!same(item, theirs[field])} />
              )}
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  return <Scalar value={value} differs={!same(value, other)} />;
}

function DifferenceRows({ finding }: { finding: TimedFinding }) {
  return (
    <>
      <tr data-parity-key={finding.key} class={finding.severity}>
        <th scope="row" title={finding.message}>
          <code>{finding.key}</code>
          {finding.aspect && <span class="tag">{finding.aspect}</span>}
          <div class="muted side">
            <span class={`badge ${finding.severity}`}>{finding.severity}</span>{' '}
            {finding.side ? SIDE_TEXT[finding.side] : finding.kind}
          </div>
        </th>
        <td>
          <ValueCell value={finding.expected} other={finding.actual} />
        </td>
        <td>
          <ValueCell value={finding.actual} other={finding.expected} />
        </td>
      </tr>
      {finding.diff && (
        <tr class="diff-row">
          <td colSpan={3}>
            <Diff text={finding.diff} label={`difference in ${finding.key}, primary to secondary`} />
          </td>
        </tr>
      )}
    </>
  );
}

function CategoryBlock({
  category,
  findings,
  tally,
  primary,
  secondary,
}: {
  category: Category;
  findings: TimedFinding[];
  tally: { compared: number; identical: number } | undefined;
  primary: string;
  secondary: string;
}) {
  const keys = new Set(findings.map((finding) => finding.key)).size;
  return (
    <section class="parity-category" data-category={category} aria-labelledby={`parity-${category}`}>
      <h3 id={`parity-${category}`}>
        {category}{' '}
        <span class="muted heading-note">
          {findings.length === 0 ? 'no differences' : plural(findings.length, 'difference')}
          {tally && (
            <span data-identical={tally.identical}>
              {' '}
              · {tally.identical} of {plural(tally.compared, 'item')} on both nodes identical
            </span>
          )}
          {keys > 0 && keys !== findings.length && <> · {plural(keys, 'key')}</>}
        </span>
      </h3>
      {findings.length > 0 && (
        <div class="table-scroll">
          <table class="parity">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Primary ({primary})</th>
                <th scope="col">Secondary ({secondary})</th>
              </tr>
            </thead>
            <tbody>
              {findings.map((finding, index) => (
                <DifferenceRows key={`${finding.key}|${finding.aspect ?? ''}|${index}`} finding={finding} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function ParityView({
  findings,
  tally,
  primary,
  secondary,
}: {
  findings: TimedFinding[];
  tally: ParityTally | undefined;
  primary: string;
  secondary: string;
}) {
  const shownCategories = CATEGORIES.filter(
    (category) => findings.some((finding) => finding.category === category) || category in (tally ?? {}),
  );
  if (shownCategories.length === 0)
    return <p class="muted">Nothing to compare yet: both nodes must have reported.</p>;
  return (
    <>
      {shownCategories.map((category) => (
        <CategoryBlock
          key={category}
          category={category}
          findings={findings.filter((finding) => finding.category === category)}
          tally={tally?.[category as keyof ParityTally]}
          primary={primary}
          secondary={secondary}
        />
      ))}
    </>
  );
}
