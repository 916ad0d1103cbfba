import type { FileRule } from '../../model/desired';
import type { Finding, ParitySides } from '../../model/finding';
import type { FileInfo } from '../../model/state';
import { finding, keyedParity, sideName } from '../findings';
import { unifiedDiff } from '../text-diff';
import type { CategoryComparator } from '../types';

const PROPERTIES = ['sha256', 'mode', 'owner', 'group'] as const;

/** A rule that only says `parity: true` asks nothing of a single node. */
function asksSomethingOfNode(rule: FileRule): boolean {
  return rule.present !== undefined || PROPERTIES.some((property) => rule[property] !== undefined);
}

function driftOfFile(path: string, rule: FileRule, file: FileInfo | undefined): Finding[] {
  const base = { category: 'files' as const, key: path };
  const wantsPresent = rule.present ?? true;
  if (!file) {
    return [
      finding({
        ...base,
        kind: 'missing',
        severity: 'warning',
        message: `${path} was not recorded in this state: collect with --desired so the roles' files are read`,
      }),
    ];
  }
  if (!wantsPresent) {
    return file.exists
      ? [
          finding({
            ...base,
            kind: 'unexpected',
            expected: 'absent',
            actual: file.type,
            message: `${path} exists, desired absent`,
          }),
        ]
      : [];
  }
  if (!file.exists) {
    return [finding({ ...base, kind: 'missing', expected: 'present', message: `${path} does not exist` })];
  }
  return PROPERTIES.flatMap((property) => {
    const wanted = rule[property];
    const actual = file[property];
    if (wanted === undefined || wanted === actual) return [];
    return [
      finding({
        ...base,
        kind: 'mismatch',
        aspect: property,
        expected: { [property]: wanted },
        actual: { [property]: actual },
        message: `${path} ${property} is ${actual ?? '(unknown)'}, desired ${wanted}`,
      }),
    ];
  });
}

function describeFile(file: FileInfo): string {
  return file.exists
    ? `${file.type ?? 'file'} ${file.mode ?? ''} ${file.owner ?? ''}:${file.group ?? ''}`.trim()
    : 'absent';
}

function compareFiles(path: string, a: FileInfo, b: FileInfo, sides: ParitySides): Finding[] {
  const base = { category: 'files' as const, key: path };
  if (a.exists !== b.exists) {
    const present = a.exists ? sides.first : sides.second;
    return [
      finding({
        ...base,
        kind: a.exists ? 'missing' : 'unexpected',
        side: a.exists ? 'only-first' : 'only-second',
        expected: describeFile(a),
        actual: describeFile(b),
        message: `${path} exists only on ${sideName(present)}`,
      }),
    ];
  }
  if (!a.exists) return [];
  const differences: string[] = [];
  for (const property of PROPERTIES) {
    if (property !== 'sha256' && a[property] !== b[property]) {
      differences.push(`${property} ${a[property] ?? '?'} vs ${b[property] ?? '?'}`);
    }
  }
  const contentDiffers = a.sha256 !== b.sha256 || a.target !== b.target;
  if (contentDiffers)
    differences.unshift(
      a.target !== b.target ? `link target ${a.target ?? '(none)'} vs ${b.target ?? '(none)'}` : 'content',
    );
  if (differences.length === 0) return [];
  const diff =
    contentDiffers && a.text !== undefined && b.text !== undefined
      ? unifiedDiff(path, sides.first.node, sides.second.node, a.text, b.text)
      : undefined;
  return [
    finding({
      ...base,
      kind: 'mismatch',
      side: 'different',
      expected: { sha256: a.sha256, mode: a.mode, owner: a.owner, group: a.group },
      actual: { sha256: b.sha256, mode: b.mode, owner: b.owner, group: b.group },
      message: `${path} differs: ${differences.join('; ')}`,
      diff,
    }),
  ];
}

export const filesComparator: CategoryComparator<'files'> = {
  category: 'files',
  hasRules: (spec) => Object.values(spec.files).some(asksSomethingOfNode),

  drift(spec, files) {
    return Object.entries(spec.files)
      .filter(([, rule]) => asksSomethingOfNode(rule))
      .flatMap(([path, rule]) => driftOfFile(path, rule, files.items[path]));
  },

  /** Paths recorded on one side only were watched there only; that is a difference of watch lists, reported as a warning. */
  parity(first, second, ctx) {
    // A path recorded on both sides is compareFiles' to judge, "exists only on" included.
    const recordedOnBoth = (path: string) => path in first.items && path in second.items;
    return keyedParity('files', first.items, second.items, ctx, {
      describe: (path) => `${path} (recorded)`,
      compare: (path, a, b) => compareFiles(path, a, b, ctx.sides),
    }).map((result) =>
      recordedOnBoth(result.key)
        ? result
        : {
            ...result,
            severity: 'warning' as const,
            message: `${result.key} was recorded only on ${sideName(result.side === 'only-first' ? ctx.sides.first : ctx.sides.second)} (watched there only)`,
          },
    );
  },
};
