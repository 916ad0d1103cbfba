/**
 * The script a sweep runs on a node: POSIX sh (Debian's dash, RHEL's bash as sh), GNU find,
 * grep, tar and coreutils — what every Debian and EL node has. It is constant text: built once
 * from the command table and the never-read list, identical for every node. What differs per
 * node arrives as data on stdin (src/sweep/requests.ts) and is only ever passed to find, grep
 * and tar as arguments, never evaluated.
 *
 * A conversation in batches on one exec channel: read request lines up to `.`, answer, wait
 * for the next batch; `Q` or end of input ends it. Each answer is
 *
 *   @batch N
 *   @digest HEX            sha256 of the body below (the lines after this one)
 *   @rc ID CODE            one per command run
 *   <wc -c of each section file, named relative to the temporary directory>
 *   @end
 *   <the section files, concatenated in that order>
 *
 * so the reader knows every section's length before it reads a byte of it, whatever bytes the
 * sections hold. The body is deterministic — the same node contents give the same bytes (the
 * temporary directory's random name is not in it; see VOLATILE_KERNEL_LINES for the kernel
 * values that would change by themselves) — so its digest fingerprints what the collectors
 * read. A batch may carry `P HEX`, the digest of an answer the client already holds for these
 * very requests: when the new answer has that digest, the script answers only
 *
 *   @batch N
 *   @same HEX
 *   @end
 *
 * and the client reuses what it collected from that answer (src/sweep/resweep.ts). P is data
 * like every other request: used only when it is 64 lowercase hex digits, compared, never run. Sections: `stat` (find records `TYPE MODE UID GID SIZE PATH\0TARGET\0`),
 * `alias` (a listed directory that is the same as an earlier one: `PATH\0SAME\0`), `kdata` /
 * `kerr` (grep over kernel files: `PATH\0LINE\n` and grep's errors), `tar` / `terr` (regular
 * files; tar because it frames each file by the size it read, so a file that changes while being
 * read cannot shift the stream), `hash` / `herr` (sha256sum -z of files that are not sent),
 * `ferr` (find's complaints), and `c.ID.out` / `c.ID.err` for each command.
 *
 * What leaves the node: content of what the collectors parse; of watched files, only when
 * world-readable and not named like a secret (otherwise sha256sum runs on the node and only the
 * hash travels — the files collector keeps nothing more of such files); never the files of
 * NEVER_READ_PATTERNS (not even hashed).
 *
 * Not tar for /proc and /sys: they report sizes of 0 or 4096 whatever the content, and reading
 * a sysctl one byte at a time (as the shell's `read` does) returns only the first byte.
 *
 * Locally the same script dumps a tree: DRIFTGUARD_ROOT=DIR (default /) is where it `cd`s to, and
 * every path is relative to it. Symlinks are never followed by find or tar; the local side
 * resolves them in the snapshot, so a fixture's absolute links stay inside the fixture.
 */
import { shQuote } from '../transport/shell-quote';
import { COMMAND_IDS, SWEEP_COMMANDS } from './commands';
import { NEVER_READ_PATTERNS, SECRET_NAME_HINTS } from './manifest';
import { VOLATILE_KERNEL_LINES } from './volatile-kernel';

/** Seconds a command may run on the node before it is killed (LocalCommandRunner's default). */
export const REMOTE_COMMAND_TIMEOUT_S = 20;

/** The section files of an answer, in the order they are sent. */
export const SECTION_NAMES = [
  'stat',
  'alias',
  'ferr',
  'kdata',
  'kerr',
  'tar',
  'terr',
  'hash',
  'herr',
] as const;

export const DUMP_GREETING = '@driftguard-dump 1\n';

const commandCases = COMMAND_IDS.map(
  (id) => `    ${id}) set -- ${SWEEP_COMMANDS[id].map(shQuote).join(' ')} ;;`,
).join('\n');

const secretLooking = `\\( ${SECRET_NAME_HINTS.map((hint) => `-iname ${shQuote(`*${hint}*`)}`).join(' -o ')} \\)`;

const notNeverRead = `! \\( ${NEVER_READ_PATTERNS.map((p) => `-path ${shQuote(p)}`).join(' -o ')} \\)`;

export const REMOTE_SCRIPT = `# driftguard sweep: answers requests for the node's files and command outputs (see
# src/sweep/remote-script.ts in driftguard). Reads requests on stdin; writes answers on stdout.
set -f
umask 077
LC_ALL=C
export LC_ALL
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
export PATH
cd -- "\${DRIFTGUARD_ROOT:-/}" || exit 3
root=$PWD
tmp=$(mktemp -d "\${TMPDIR:-/tmp}/driftguard.XXXXXX") || exit 3
trap 'rm -rf -- "$tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 141' PIPE
nl='
'
fmt='%y %m %U %G %s %p\\0%l\\0'
printf '@driftguard-dump 1\\n'

read_kernel() {
  grep -r -a -H -Z -e '' -- "$@" 2> "$tmp/kerr"
}

run_command() {
  case $1 in
${commandCases}
    *) return 2 ;;
  esac
  command -v "$1" >/dev/null 2>&1 || return 127
  if command -v timeout >/dev/null 2>&1; then
    timeout ${REMOTE_COMMAND_TIMEOUT_S} "$@"
  else
    "$@"
  fi
}

# Directories that are the same as one listed before (/lib/systemd/system on a merged-/usr
# system is /usr/lib/systemd/system) are reported as aliases instead of being listed twice.
keep_distinct() {
  kept=
  for dir in $1; do
    same=
    for seen in $kept; do
      if [ "$dir" -ef "$seen" ]; then same=$seen; break; fi
    done
    if [ -n "$same" ]; then printf '%s\\0%s\\0' "$dir" "$same" >> "$tmp/alias"; else kept=$kept$dir$nl; fi
  done
}

batch=0
while :; do
  stat_paths=; file_paths=; watch_paths=; hash_paths=; dir_paths=; tree_paths=; watch_dirs=
  walk_paths=; kernel_paths=; commands=; complete=; prior=
  while IFS= read -r line; do
    case $line in
      .) complete=1; break ;;
      Q) exit 0 ;;
      'P '*) prior=\${line#P } ;;
      'S ./'*) stat_paths=$stat_paths\${line#S }$nl ;;
      'F ./'*) file_paths=$file_paths\${line#F }$nl ;;
      'W ./'*) watch_paths=$watch_paths\${line#W }$nl ;;
      'H ./'*) hash_paths=$hash_paths\${line#H }$nl ;;
      'D ./'*) dir_paths=$dir_paths\${line#D }$nl ;;
      'T ./'*) tree_paths=$tree_paths\${line#T }$nl ;;
      'G ./'*) watch_dirs=$watch_dirs\${line#G }$nl ;;
      'R ./'*) walk_paths=$walk_paths\${line#R }$nl ;;
      'K ./'*) kernel_paths=$kernel_paths\${line#K }$nl ;;
      'C '*) commands=$commands\${line#C }$nl ;;
      *) printf 'driftguard: not a request: %s\\n' "$line" >&2; exit 4 ;;
    esac
  done
  [ -n "$complete" ] || exit 0
  # A digest the client holds: 64 lowercase hex digits, or nothing (then the full answer goes).
  case $prior in
    *[!0-9a-f]*) prior= ;;
  esac
  [ \${#prior} -eq 64 ] || prior=
  batch=$((batch + 1))
  IFS=$nl
  for name in stat alias ferr kdata kerr tar terr hash herr clist hlist cF cT cW cG hW hG hH; do
    : > "$tmp/$name"
  done

  ran=
  for request in $commands; do
    id=\${request%% *}
    case $id in
      ${COMMAND_IDS.join('|')}) ;;
      *) printf 'driftguard: no such command: %s\\n' "$id" >&2; exit 4 ;;
    esac
    if [ "$request" != "$id" ]; then
      rest=\${request#* }
      test=\${rest%% *}
      where=\${rest#* }
      case $test in
        exists) [ -e "$where" ] || continue ;;
        missing) [ -e "$where" ] && continue ;;
        dir) [ -d "$where" ] || continue ;;
        *) printf 'driftguard: no such condition: %s\\n' "$test" >&2; exit 4 ;;
      esac
    fi
    ( run_command "$id" > "$tmp/c.$id.out" 2> "$tmp/c.$id.err"; echo $? > "$tmp/c.$id.rc" ) &
    ran=$ran$id$nl
  done

  if [ -n "$stat_paths" ]; then
    find $stat_paths -maxdepth 0 -printf "$fmt" >> "$tmp/stat" 2>> "$tmp/ferr"
  fi
  if [ -n "$file_paths" ]; then
    find $file_paths -maxdepth 0 -printf "$fmt" -type f ${notNeverRead} -fprint0 "$tmp/cF" \\
      >> "$tmp/stat" 2>> "$tmp/ferr"
  fi
  if [ -n "$watch_paths" ]; then
    find $watch_paths -maxdepth 0 -printf "$fmt" -type f ${notNeverRead} \\
      \\( -perm -0004 -fprint0 "$tmp/cW" -o -fprint0 "$tmp/hW" \\) >> "$tmp/stat" 2>> "$tmp/ferr"
  fi
  if [ -n "$hash_paths" ]; then
    find $hash_paths -maxdepth 0 -printf "$fmt" -type f ${notNeverRead} -fprint0 "$tmp/hH" \\
      >> "$tmp/stat" 2>> "$tmp/ferr"
  fi
  if [ -n "$dir_paths" ]; then
    keep_distinct "$dir_paths"
    [ -z "$kept" ] || find $kept -maxdepth 1 -printf "$fmt" >> "$tmp/stat" 2>> "$tmp/ferr"
  fi
  if [ -n "$tree_paths" ]; then
    keep_distinct "$tree_paths"
    [ -z "$kept" ] || find $kept -maxdepth 2 -printf "$fmt" -type f ${notNeverRead} -fprint0 "$tmp/cT" \\
      >> "$tmp/stat" 2>> "$tmp/ferr"
  fi
  if [ -n "$watch_dirs" ]; then
    keep_distinct "$watch_dirs"
    [ -z "$kept" ] || find $kept -maxdepth 1 -printf "$fmt" -type f ${notNeverRead} \\
      \\( -perm -0004 ! ${secretLooking} -fprint0 "$tmp/cG" -o -fprint0 "$tmp/hG" \\) >> "$tmp/stat" 2>> "$tmp/ferr"
  fi
  if [ -n "$walk_paths" ]; then
    keep_distinct "$walk_paths"
    [ -z "$kept" ] || find $kept -printf "$fmt" >> "$tmp/stat" 2>> "$tmp/ferr"
  fi
  if [ -n "$kernel_paths" ]; then
    case $kernel_paths in
      *./proc/sys*) read_kernel $kernel_paths | grep -a -v -E -e ${shQuote(VOLATILE_KERNEL_LINES)} > "$tmp/kdata" ;;
      *) read_kernel $kernel_paths > "$tmp/kdata" ;;
    esac
  fi
  # Each step only when it has work: every process started counts, once per category and node.
  if [ -s "$tmp/cF" ] || [ -s "$tmp/cT" ] || [ -s "$tmp/cW" ] || [ -s "$tmp/cG" ]; then
    tar -c -f - --no-recursion --hard-dereference --null -T "$tmp/cF" -T "$tmp/cT" -T "$tmp/cW" -T "$tmp/cG" \
      > "$tmp/tar" 2> "$tmp/terr"
  fi
  if [ -s "$tmp/hW" ] || [ -s "$tmp/hG" ] || [ -s "$tmp/hH" ]; then
    cat -- "$tmp/hW" "$tmp/hG" "$tmp/hH" | xargs -0 sha256sum -z -- > "$tmp/hash" 2> "$tmp/herr"
  fi
  wait

  # The body goes to a file first: its digest decides whether it is sent at all. It is made in
  # $tmp, so that wc names the sections relative to it (mktemp's random name would make every
  # answer differ).
  cd -- "$tmp" || exit 3
  files=
  for name in ${SECTION_NAMES.join(' ')}; do files=$files$name$nl; done
  {
    for id in $ran; do
      rc=
      read -r rc < "c.$id.rc"
      printf '@rc %s %s\\n' "$id" "$rc"
      files=$files"c.$id.out$nl""c.$id.err$nl"
    done
    wc -c -- $files
    printf '@end\\n'
    cat -- $files
  } > answer
  digest=
  sha256sum < answer > digest && read -r digest < digest
  digest=\${digest%% *}
  printf '@batch %s\\n' "$batch"
  if [ -n "$prior" ] && [ "$digest" = "$prior" ]; then
    printf '@same %s\\n@end\\n' "$digest"
  else
    printf '@digest %s\\n' "$digest"
    cat -- answer
  fi
  cd -- "$root" || exit 3
  unset IFS
done
`;

/** The exec request: the login shell of the remote user starts `sh` with the script as one word. */
export function remoteCommandLine(): string {
  return `sh -c ${shQuote(REMOTE_SCRIPT)} driftguard-sweep`;
}
