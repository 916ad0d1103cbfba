import type { Finding, ParitySides } from '../../model/finding';
import type { Category } from '../../model/state';
import { formatBytes } from '../../shared/format';
import { finding, sideName } from '../findings';
import type { CategoryComparator } from '../types';

interface FieldRule<T> {
  field: keyof T & string;
  /** How a person calls it: `memory`, not `memoryBytes`. */
  label: string;
  severity: Finding['severity'];
  show?: (value: never) => string;
}

/** Field-by-field parity of small flat records (os release, capacity). */
function recordParity<T extends object>(
  category: Category,
  first: T,
  second: T,
  fields: readonly FieldRule<T>[],
  sides: ParitySides,
): Finding[] {
  return fields
    .filter(({ field }) => first[field] !== second[field])
    .map(({ field, label, severity, show }) => {
      const shown = (value: unknown) =>
        value === undefined ? '(unknown)' : show ? show(value as never) : String(value);
      return finding({
        category,
        key: field,
        kind: 'mismatch',
        side: 'different',
        severity,
        expected: first[field],
        actual: second[field],
        message: `${label}: ${shown(first[field])} on ${sideName(sides.first)}, ${shown(second[field])} on ${sideName(sides.second)}`,
      });
    });
}

/** The OS release must match; a different kernel build is worth a warning, not a failure. */
export const osComparator: CategoryComparator<'os'> = {
  category: 'os',
  parity: (first, second, { sides }) =>
    recordParity(
      'os',
      first,
      second,
      [
        { field: 'id', label: 'OS', severity: 'error' },
        { field: 'versionId', label: 'OS version', severity: 'error' },
        { field: 'arch', label: 'architecture', severity: 'error' },
        { field: 'kernel', label: 'kernel', severity: 'warning' },
      ],
      sides,
    ),
};

/** Whether the secondary is big enough is readiness's `capacity` check (with minRatio); here it is only a difference. */
export const capacityComparator: CategoryComparator<'capacity'> = {
  category: 'capacity',
  parity: (first, second, { sides }) =>
    recordParity(
      'capacity',
      first,
      second,
      [
        { field: 'cpus', label: 'CPUs', severity: 'warning' },
        { field: 'memoryBytes', label: 'memory', severity: 'warning', show: formatBytes },
      ],
      sides,
    ),
};
