/**
 * Which recorded text a plan may build a file from. The state holds the text of small text
 * files so that differences can be shown; redacted text (secrets replaced by markers) is for
 * showing only, and a plan that wrote it would put the markers on the node instead of the secret.
 */
import type { FileInfo } from '../model/state';

/** The text a file can be recreated from: a regular file whose whole, unredacted text the state holds. */
export function copyableText(info: FileInfo | undefined): string | undefined {
  if (!info?.exists || info.type !== 'file' || info.redacted) return undefined;
  return info.text; // undefined when the state holds no text of it
}
