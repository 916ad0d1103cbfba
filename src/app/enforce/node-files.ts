/**
 * Files on a node, through a NodeShell: one constant POSIX sh script with a verb and the path
 * as arguments (data never becomes shell code), so the same code reads, backs up, writes and
 * restores files over SSH, in a chroot, or on this host. Writes are atomic — a temporary file
 * beside the target, fsynced, then renamed over it — and backups keep mode, owner and times
 * (`cp -a`), on the node itself: `/var/lib/driftguard/backups/RUN/files/<path>`.
 */
import { CommandError } from '../../shared/errors';
import type { CommandResult, NodeShell } from '../../transport/node-shell';
import { byText } from '../../shared/order';

const BACKUP_ROOT = '/var/lib/driftguard/backups';

/**
 * The verbs. `facts` prints one line: `missing`, `symlink TARGET`, `dir MODE UID GID`,
 * `file MODE UID GID SIZE SHA256` or `other`; `backup` prints the facts of the path as it finds
 * it, `write`, `attributes` and `remove` as they leave it, `restore` both (one round trip per
 * step).
 * chown takes owner and group apart, because `chown user:` would also change the group to the
 * user's login group.
 *
 * A backup folder describes itself: `files/PATH` is a copy of what was there (`cp -a`: content,
 * mode, owner, times), `absent/PATH` an empty marker for a path that did not exist — so restore
 * needs nothing but the folder, even when the run's record is elsewhere.
 */
const FILES_SCRIPT = `set -u
facts() {
  if [ -L "$1" ]; then printf 'symlink %s\\n' "$(readlink -- "$1")"
  elif [ -f "$1" ]; then
    meta=$(stat -c '%a %u %g %s' -- "$1") && sum=$(sha256sum < "$1") || exit 3
    printf 'file %s %s\\n' "$meta" "\${sum%% *}"
  elif [ -d "$1" ]; then printf 'dir %s\\n' "$(stat -c '%a %u %g' -- "$1")"
  elif [ -e "$1" ]; then echo other
  else echo missing
  fi
}
owners() {
  if [ -n "$2" ] && [ -n "$3" ]; then chown -- "$2:$3" "$1"
  elif [ -n "$2" ]; then chown -- "$2" "$1"
  elif [ -n "$3" ]; then chgrp -- "$3" "$1"
  fi
}
verb=$1; shift
case $verb in
facts) facts "$1" ;;
read) cat -- "$1" ;;
backup)
  facts "$2"
  if [ -e "$1/files$2" ] || [ -e "$1/absent$2" ]; then :
  elif [ -e "$2" ] || [ -L "$2" ]; then
    mkdir -p -- "$1/files\${2%/*}" && cp -a -- "$2" "$1/files$2" || exit 3
  else
    mkdir -p -- "$1/absent\${2%/*}" && : > "$1/absent$2" || exit 3
  fi ;;
list)
  [ -d "$1" ] || exit 0
  cd -- "$1" || exit 3
  for kind in files absent; do
    [ -d "$kind" ] && find "$kind" ! -type d -printf "$kind %P\\n"
  done ;;
write)
  dir=\${1%/*}; [ -n "$dir" ] || dir=/
  mkdir -p -- "$dir" && tmp=$(mktemp -- "$dir/.driftguard.XXXXXXXX") || exit 3
  trap 'rm -f -- "$tmp"' EXIT
  cat > "$tmp" || exit 3
  if [ -e "$1" ]; then chmod --reference="$1" -- "$tmp" && chown --reference="$1" -- "$tmp" || exit 3
  else chmod 0644 -- "$tmp" || exit 3
  fi
  owners "$tmp" "$3" "$4" || exit 3
  if [ -n "$2" ]; then chmod -- "$2" "$tmp" || exit 3; fi
  sync -- "$tmp" && mv -f -- "$tmp" "$1" || exit 3
  trap - EXIT
  facts "$1" ;;
attributes)
  owners "$1" "$3" "$4" || exit 3
  if [ -n "$2" ]; then chmod -- "$2" "$1" || exit 3; fi
  facts "$1" ;;
remove) rm -f -- "$1" && facts "$1" ;;
restore)
  facts "$2"
  if [ -e "$1/absent$2" ]; then rm -f -- "$2" || exit 3
  else
    tmp="$2.driftguard-restore.$$"
    cp -a -- "$1/files$2" "$tmp" && mv -f -- "$tmp" "$2" || { rm -f -- "$tmp"; exit 3; }
  fi
  facts "$2" ;;
*) echo "unknown verb $verb" >&2; exit 2 ;;
esac
`;

export type FileFacts =
  | { type: 'missing' }
  | { type: 'symlink'; target: string }
  | { type: 'dir'; mode: string; uid: number; gid: number }
  | { type: 'file'; mode: string; uid: number; gid: number; size: number; sha256: string }
  | { type: 'other' };

/** `644` → `0644`, as the states write modes. */
function mode(text: string): string {
  return text.padStart(4, '0');
}

function parseFacts(line: string): FileFacts {
  const [type, ...rest] = line.trim().split(' ');
  switch (type) {
    case 'missing':
      return { type: 'missing' };
    case 'other':
      return { type: 'other' };
    case 'symlink':
      return { type: 'symlink', target: line.trim().slice('symlink '.length) };
    case 'dir':
      return { type: 'dir', mode: mode(rest[0] ?? ''), uid: Number(rest[1]), gid: Number(rest[2]) };
    case 'file':
      return {
        type: 'file',
        mode: mode(rest[0] ?? ''),
        uid: Number(rest[1]),
        gid: Number(rest[2]),
        size: Number(rest[3]),
        sha256: `sha256:${rest[4] ?? ''}`,
      };
    default:
      throw new CommandError(`unexpected answer about a file: ${JSON.stringify(line)}`);
  }
}

/** Mode, owner, group as the script's arguments; empty means "keep". */
function attributeArgs(attributes: { mode?: string; owner?: string; group?: string }): string[] {
  return [attributes.mode ?? '', attributes.owner ?? '', attributes.group ?? ''];
}

export function backupDirOf(runId: string): string {
  return `${BACKUP_ROOT}/${runId}`;
}

export class NodeFiles {
  constructor(private readonly shell: NodeShell) {}

  /** Runs one verb about `path`; `extra` are its other arguments. */
  private async verb(
    verb: string,
    path: string,
    extra: string[] = [],
    input?: string | Buffer,
  ): Promise<CommandResult> {
    const args =
      verb === 'backup' || verb === 'restore' || verb === 'list'
        ? [verb, ...extra, path]
        : [verb, path, ...extra];
    const result = await this.shell.run(['sh', '-c', FILES_SCRIPT, 'driftguard-files', ...args], {
      ...(input === undefined ? {} : { input }),
      timeoutMs: 120_000,
    });
    if (result.code !== 0)
      throw new CommandError(
        `${verb} ${path} on ${this.shell.description} failed (exit ${result.code ?? 'none'}): ${result.stderr.trim() || 'no message'}`,
      );
    return result;
  }

  async facts(path: string): Promise<FileFacts> {
    return parseFacts((await this.verb('facts', path)).stdout.toString('utf8'));
  }

  async read(path: string): Promise<Buffer> {
    return (await this.verb('read', path)).stdout;
  }

  /** Copies the path (if it exists) into the backup directory; returns what was there. */
  async backup(backupDir: string, path: string): Promise<FileFacts> {
    return parseFacts((await this.verb('backup', path, [backupDir])).stdout.toString('utf8'));
  }

  /** Writes the content atomically; mode/owner/group given are set, others kept (new file: 0644 root). Returns what is there now. */
  async write(
    path: string,
    content: string | Buffer,
    attributes: { mode?: string; owner?: string; group?: string } = {},
  ): Promise<FileFacts> {
    return this.facted('write', path, attributeArgs(attributes), content);
  }

  async setAttributes(
    path: string,
    attributes: { mode?: string; owner?: string; group?: string },
  ): Promise<FileFacts> {
    return this.facted('attributes', path, attributeArgs(attributes));
  }

  async remove(path: string): Promise<FileFacts> {
    return this.facted('remove', path);
  }

  /**
   * Puts a backed-up path back atomically (or removes it, if it did not exist), as it was;
   * returns what was there before and what is there now.
   */
  async restore(backupDir: string, path: string): Promise<{ before: FileFacts; after: FileFacts }> {
    const lines = await this.lines('restore', path, [backupDir]);
    return { before: parseFacts(lines[0] ?? ''), after: parseFacts(lines.at(-1) ?? '') };
  }

  /** What a backup folder holds: the paths copied, and the paths that did not exist. */
  async listBackup(backupDir: string): Promise<{ path: string; existed: boolean }[]> {
    const text = (await this.verb('list', backupDir)).stdout.toString('utf8');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const space = line.indexOf(' ');
        return { path: `/${line.slice(space + 1)}`, existed: line.slice(0, space) === 'files' };
      })
      .sort(byText((file) => file.path));
  }

  /** The lines a verb printed. */
  private async lines(
    verb: string,
    path: string,
    extra: string[] = [],
    input?: string | Buffer,
  ): Promise<string[]> {
    return (await this.verb(verb, path, extra, input)).stdout.toString('utf8').trimEnd().split('\n');
  }

  /** A verb whose last line of output is the path's facts after it. */
  private async facted(
    verb: string,
    path: string,
    extra: string[] = [],
    input?: string | Buffer,
  ): Promise<FileFacts> {
    const lines = await this.lines(verb, path, extra, input);
    return parseFacts(lines[lines.length - 1] ?? '');
  }
}
