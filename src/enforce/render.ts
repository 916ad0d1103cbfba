/**
 * Drafts → fixes: every file edit becomes the whole file before and after, with its diff. The
 * files of a node are tracked as the fixes leave them, so the second fix that edits /etc/fstab
 * starts from what the first one wrote — applied in order, each fix's `before` is exactly what
 * it will find on the node, which is what apply checks before writing.
 */
import { classifyWatchPath, matchesStarPattern } from '../collect/files/parse';
import { BUILTIN_WATCHES } from '../collect/files/watch-list';
import { unifiedDiff } from '../compare/text-diff';
import { MANAGED_SYSCTL_FILE, managedDropInPath, unitOfManagedDropIn } from '../model/managed-files';
import type { FileChange, Fix } from '../model/plan';
import type { FileInfo, NodeState } from '../model/state';
import { sha256Hex } from '../shared/canonical-json';
import { errorMessage } from '../shared/errors';
import { copyableText } from './copyable-text';
import { editFstabLine } from './edits/fstab';
import { appendLine, replaceLine } from './edits/lines';
import { addDropInLines, setManagedSysctl } from './edits/managed-files';
import type { FileEdit, FixDraft } from './types';

const FSTAB = '/etc/fstab';

/** A file as the plan believes it is at a point of the plan. */
interface KnownFile {
  exists: boolean;
  /** Known text, when the state holds it (or a fix wrote it). */
  text?: string;
  /** The content is another node's file, copied at apply time (its text is never in the plan). */
  copyFrom?: { node: string; sha256: string };
  sha256?: string;
  mode?: string;
  owner?: string;
  group?: string;
}

function textSha256(text: string): string {
  return `sha256:${sha256Hex(text)}`;
}

/** The node's files as the state recorded them, updated by each rendered fix. */
class VirtualFiles {
  private readonly files = new Map<string, KnownFile>();

  constructor(private readonly state: NodeState) {}

  /** What the plan knows of a path; undefined when the state did not record it at all. */
  get(path: string): KnownFile | undefined {
    const known = this.files.get(path);
    if (known) return known;
    const info: FileInfo | undefined = this.state.files?.items[path];
    if (info) {
      // Redacted text is not the file's: an edit of it needs text the state does not hold.
      const text = copyableText(info);
      const file: KnownFile = info.exists
        ? {
            exists: true,
            text,
            ...(info.sha256 ? { sha256: info.sha256 } : {}),
            ...(info.mode ? { mode: info.mode } : {}),
            ...(info.owner ? { owner: info.owner } : {}),
            ...(info.group ? { group: info.group } : {}),
          }
        : { exists: false };
      return file;
    }
    return this.fromUnits(path) ?? this.fromGlobs(path);
  }

  /** A path under a built-in glob watch (`/etc/sysctl.d/*`) that the files category lacks does not exist. */
  private fromGlobs(path: string): KnownFile | undefined {
    if (!this.state.files) return undefined;
    const dir = path.slice(0, path.lastIndexOf('/'));
    const name = path.slice(path.lastIndexOf('/') + 1);
    const listed = BUILTIN_WATCHES.some((watch) => {
      const pattern = classifyWatchPath(watch.path);
      return pattern.kind === 'glob' && pattern.dir === dir && matchesStarPattern(pattern.pattern, name);
    });
    return listed ? { exists: false } : undefined;
  }

  /**
   * driftguard's own drop-ins are recorded by the files collector whenever they exist; one it did
   * not record does not exist (older states: a unit whose drop-ins do not include it).
   */
  private fromUnits(path: string): KnownFile | undefined {
    const name = unitOfManagedDropIn(path);
    if (name === undefined || !this.state.files) return undefined;
    const unit = this.state.units?.items[name];
    if (unit?.dropIns.includes(path)) return undefined;
    return { exists: false };
  }

  set(path: string, file: KnownFile): void {
    this.files.set(path, file);
  }

  /** Runs `work`; if it throws, every path it set is as before. */
  atomically<T>(work: () => T): T {
    const saved = new Map(this.files);
    try {
      return work();
    } catch (err) {
      this.files.clear();
      for (const [path, file] of saved) this.files.set(path, file);
      throw err;
    }
  }
}

class NotRenderable extends Error {}

/**
 * The fstab text with one line edited. The line number comes from the parsed entries, the text
 * from the files category: should the two disagree (a state put together from two collections),
 * the line is not guessed at — the fix is left to a person, and the rest of the plan stands.
 */
function editedFstab(text: string, edit: Extract<FileEdit, { kind: 'fstab-line' }>): string {
  try {
    return replaceLine(text, edit.line, (line) => editFstabLine(line, edit.fields));
  } catch (err) {
    throw new NotRenderable(
      `/etc/fstab as recorded does not hold the entry at line ${edit.line}: ${errorMessage(err)}`,
    );
  }
}

function needText(path: string, file: KnownFile | undefined): string | undefined {
  if (!file) throw new NotRenderable(`${path} is not recorded in the state (collect it with --desired)`);
  if (!file.exists) return undefined;
  if (file.text === undefined)
    throw new NotRenderable(`the state holds no text of ${path} (binary, large, secret or redacted)`);
  return file.text;
}

/** The file an edit changes. */
function editedPath(edit: FileEdit): string {
  switch (edit.kind) {
    case 'content':
    case 'copy':
    case 'attributes':
    case 'remove':
      return edit.path;
    case 'fstab-line':
    case 'fstab-append':
      return FSTAB;
    case 'sysctl-set':
      return MANAGED_SYSCTL_FILE;
    case 'drop-in':
      return managedDropInPath(edit.unit);
  }
}

/** The file at `path` as one edit leaves it: new text, or the copy's source, and attributes. */
function fileAfter(edit: FileEdit, path: string, current: KnownFile | undefined): KnownFile {
  switch (edit.kind) {
    case 'content':
    case 'copy':
      return {
        exists: true,
        ...(edit.kind === 'content'
          ? { text: edit.text, sha256: textSha256(edit.text) }
          : { sha256: edit.from.sha256, copyFrom: edit.from }),
        mode: edit.mode ?? current?.mode ?? '0644',
        owner: edit.owner ?? current?.owner ?? 'root',
        group: edit.group ?? current?.group ?? 'root',
      };
    case 'attributes':
      if (!current?.exists) throw new NotRenderable(`${path} does not exist`);
      return {
        ...current,
        ...(edit.mode ? { mode: edit.mode } : {}),
        ...(edit.owner ? { owner: edit.owner } : {}),
        ...(edit.group ? { group: edit.group } : {}),
      };
    case 'remove':
      return { exists: false };
    case 'fstab-line':
    case 'fstab-append': {
      const text = needText(path, current) ?? '';
      const next = edit.kind === 'fstab-line' ? editedFstab(text, edit) : appendLine(text, edit.text);
      return {
        ...(current ?? {}),
        exists: true,
        text: next,
        sha256: textSha256(next),
        // A new fstab is created like every other new file, not with no mode or owner at all.
        ...(current?.exists ? {} : { mode: '0644', owner: 'root', group: 'root' }),
      };
    }
    case 'sysctl-set':
    case 'drop-in': {
      const text = needText(path, current);
      const next =
        edit.kind === 'sysctl-set'
          ? setManagedSysctl(text, edit.key, edit.value)
          : addDropInLines(text, edit.lines);
      return {
        exists: true,
        text: next,
        sha256: textSha256(next),
        mode: current?.exists ? current.mode : '0644',
        owner: current?.exists ? current.owner : 'root',
        group: current?.exists ? current.group : 'root',
      };
    }
  }
}

/** `mode 0644 → 0640, owner root:root → root:pypi`; for a new file, what it is created with. */
function describeAttributes(before: KnownFile | undefined, after: KnownFile): string {
  if (!before) return `new file, mode ${after.mode}, owner ${after.owner}:${after.group}`;
  const parts: string[] = [];
  if (before.mode !== after.mode) parts.push(`mode ${before.mode} → ${after.mode}`);
  if (before.owner !== after.owner || before.group !== after.group)
    parts.push(`owner ${before.owner}:${before.group} → ${after.owner}:${after.group}`);
  return parts.join(', ');
}

function fileChange(
  path: string,
  before: KnownFile | undefined,
  after: KnownFile,
  remove: boolean,
): FileChange {
  if (!before) throw new NotRenderable(`${path} is not recorded in the state (collect it with --desired)`);
  const change: FileChange = { path, beforeSha256: before.exists ? (before.sha256 ?? null) : null };
  if (before.exists && before.sha256 === undefined)
    throw new NotRenderable(
      `the state holds no checksum of ${path}: a change could not be checked before writing`,
    );
  if (before.text !== undefined) change.before = before.text;
  if (remove) {
    change.remove = true;
    if (before.text !== undefined) change.diff = unifiedDiff(path, 'now', 'removed', before.text, '');
    return change;
  }
  const contentChanges = after.sha256 !== before.sha256 || !before.exists;
  if (contentChanges && after.copyFrom) change.copyFrom = after.copyFrom;
  else if (contentChanges) {
    if (after.text === undefined) throw new NotRenderable(`no content for ${path}`);
    change.after = after.text;
  }
  if (!before.exists || after.mode !== before.mode) change.mode = after.mode as string;
  if (!before.exists || after.owner !== before.owner) change.owner = after.owner as string;
  if (!before.exists || after.group !== before.group) change.group = after.group as string;
  const copied = change.copyFrom
    ? `# ${path}: content of ${change.copyFrom.node}'s file (${change.copyFrom.sha256.slice(0, 19)}…), copied at apply time, not shown`
    : '';
  const textDiff =
    contentChanges && after.text !== undefined
      ? unifiedDiff(path, before.exists ? 'now' : 'new', 'after', before.text ?? '', after.text)
      : '';
  const attributes = describeAttributes(before.exists ? before : undefined, after);
  change.diff =
    [textDiff.trimEnd(), copied, attributes && `# ${path}: ${attributes}`].filter(Boolean).join('\n') + '\n';
  return change;
}

/** Renders one node's drafts in order; a draft whose files cannot be worked out becomes advice saying why. */
export function renderNodeFixes(node: string, drafts: readonly FixDraft[], state: NodeState): Fix[] {
  const files = new VirtualFiles(state);
  const ids = new Map<string, number>();
  return drafts.map((draft) => {
    let id = `${node}/${draft.category}/${draft.key}${draft.part ? `#${draft.part}` : ''}`;
    const seen = ids.get(id) ?? 0;
    ids.set(id, seen + 1);
    if (seen > 0) id += `#${seen + 1}`;
    const base: Fix = {
      id,
      node,
      category: draft.category,
      key: draft.key,
      action: draft.action,
      description: draft.description,
      files: [],
      commands: draft.commands ?? [],
      addresses: draft.addresses,
      ...(draft.reason ? { reason: draft.reason } : {}),
      ...(draft.reloadSystemd ? { reloadSystemd: true } : {}),
    };
    if (draft.action === 'advice' || !draft.edits?.length) return base;
    const edits = draft.edits;
    try {
      base.files = files.atomically(() => {
        const pending = new Map<
          string,
          { before: KnownFile | undefined; after: KnownFile; remove: boolean }
        >();
        for (const edit of edits) {
          const path = editedPath(edit);
          const current = files.get(path);
          const after = fileAfter(edit, path, current);
          // A file two edits of one fix change is shown once, from before the first.
          const before = pending.has(path) ? pending.get(path)?.before : current;
          pending.set(path, { before, after, remove: edit.kind === 'remove' });
          files.set(path, after);
        }
        return [...pending].map(([path, change]) =>
          fileChange(path, change.before, change.after, change.remove),
        );
      });
      return base;
    } catch (err) {
      if (!(err instanceof NotRenderable)) throw err;
      return {
        ...base,
        action: 'advice',
        commands: [],
        reason: err.message,
        description: `${draft.description} — by hand`,
      };
    }
  });
}
