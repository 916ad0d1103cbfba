/**
 * Reloading the desired state when its folder changes. Editors write files in several steps
 * (temp file, rename, chmod), so changes are debounced; a broken state is refused by the holder.
 */
import * as fs from 'node:fs';

export function watchFolder(dir: string, onChange: () => void, debounceMs = 300): () => void {
  let timer: NodeJS.Timeout | undefined;
  const watcher = fs.watch(dir, () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  watcher.on('error', () => undefined); // the folder went away: the last good state keeps running
  return () => {
    if (timer) clearTimeout(timer);
    watcher.close();
  };
}
