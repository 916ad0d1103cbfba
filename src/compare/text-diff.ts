import { createTwoFilesPatch } from 'diff';

/**
 * A unified diff between two versions of a file, labelled with where each came from
 * (`pypi-1:/etc/drbd.d/r0.res`). Without the `Index:`/`====` header the `diff` package adds,
 * so it reads like `diff -u` output.
 */
export function unifiedDiff(
  path: string,
  fromLabel: string,
  toLabel: string,
  from: string,
  to: string,
): string {
  const patch = createTwoFilesPatch(
    `${fromLabel}:${path}`,
    `${toLabel}:${path}`,
    from,
    to,
    undefined,
    undefined,
    {
      context: 3,
    },
  );
  // `Index:` comes first when both labels are the same (two states of one node).
  return patch.replace(/^(?:Index: .*\n)?=+\n/, '').trimEnd() + '\n';
}
