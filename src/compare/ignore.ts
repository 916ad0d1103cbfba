import picomatch from 'picomatch';

/** A predicate for "this key is ignored", built once from a category's glob patterns. */
export type IgnoreMatcher = (key: string) => boolean;

const NOTHING_IGNORED: IgnoreMatcher = () => false;

/**
 * Globs as operators write them in `parity.ignore` (`linux-image-*`, `net.ipv4.conf.*.rp_filter`,
 * `/etc/drbd.d/*.bak`). Dots are ordinary characters; `*` does not cross `/` (which only matters
 * for file paths).
 */
export function ignoreMatcher(patterns: readonly string[] | undefined): IgnoreMatcher {
  if (!patterns || patterns.length === 0) return NOTHING_IGNORED;
  return picomatch([...patterns], { dot: true });
}
