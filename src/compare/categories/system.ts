import type { Finding, ParitySides } from '../../model/finding';
import type { Category } from '../../model/state';
import { finding, sideName } from '../findings';
import type { CategoryComparator } from '../types';

/** Field-by-field parity of small flat records (os release, capacity). */
function recordParity<T extends object>(
  category: Category,
  first: T,
  second: T,
  fields: readonly (keyof T & string)[],
  sides: ParitySides,
  severity: (field: keyof T & string) => Finding['severity'],
): Finding[] {
  return fields
    .filter((field) => first[field] !== second[field])
    .map((field) =>
      finding({
        category,
        key: field,
        kind: 'mismatch',
        side: 'different',
        severity: severity(field),
        expected: first[field],
        actual: second[field],
        message: `${category} ${field} differs: ${String(first[field] ?? '(unknown)')} on ${sideName(sides.first)}, ${String(second[field] ?? '(unknown)')} on ${sideName(sides.second)}`,
      }),
    );
}

/** The OS release must match; a different kernel build is worth a warning, not a failure. */
export const osComparator: CategoryComparator<'os'> = {
  category: 'os',
  parity: (first, second, { sides }) =>
    recordParity('os', first, second, ['id', 'versionId', 'kernel', 'arch'], sides, (field) =>
      field === 'kernel' ? 'warning' : 'error',
    ),
};

/** Whether the secondary is big enough is readiness's `capacity` check (with minRatio); here it is only a difference. */
export const capacityComparator: CategoryComparator<'capacity'> = {
  category: 'capacity',
  parity: (first, second, { sides }) =>
    recordParity('capacity', first, second, ['cpus', 'memoryBytes'], sides, () => 'warning'),
};
