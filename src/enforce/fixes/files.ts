/**
 * Files: content, mode and owner, written atomically. driftguard writes a file only where the
 * roles say something about it — its mode or owner, or `parity: true` (it must be identical on
 * both nodes): a difference in a file that is merely watched (a keepalived.conf whose priority
 * differs per node by design) is shown, and left to a person or to a `parity: true` rule.
 *
 * Content comes from the primary's state, which holds the text of small text files; a file
 * whose text driftguard does not have (binary, large, secret or redacted) is never guessed.
 */
import { checkAbsolutePath, checkUserName } from '../../desired/names';
import type { FileRule } from '../../model/desired';
import type { FileInfo } from '../../model/state';
import { copyableText } from '../copyable-text';
import type { CategoryFixer, FixDraft, NodeFixContext, SourcedFinding } from '../types';
import { advice, fingerprints, perKey, refusedName } from './common';

const MODE = /^[0-7]{3,4}$/;

/**
 * A regular file of the primary whose text the state does not hold (not world-readable, so only
 * its hash left the node; binary; large): apply copies it from the primary's node to this one,
 * checked against this hash, without its content ever being stored or shown. Redacted text is
 * not the file: the copy is.
 */
function copySource(
  primary: FileInfo | undefined,
  ctx: NodeFixContext,
): { node: string; sha256: string } | undefined {
  if (!primary?.exists || primary.type !== 'file' || !primary.sha256 || !ctx.pair) return undefined;
  return { node: ctx.pair.primary, sha256: primary.sha256 };
}

/** Mode, owner and group the file must have: the roles', else the primary's (parity). */
function wantedAttributes(rule: FileRule | undefined, primary: FileInfo | undefined) {
  return {
    mode: rule?.mode ?? primary?.mode,
    owner: rule?.owner ?? primary?.owner,
    group: rule?.group ?? primary?.group,
  };
}

function badAttribute(attributes: { mode?: string; owner?: string; group?: string }): string | undefined {
  if (attributes.mode !== undefined && !MODE.test(attributes.mode)) return `mode ${attributes.mode}`;
  for (const name of [attributes.owner, attributes.group]) {
    if (name !== undefined && !/^\d+$/.test(name) && checkUserName(name)) return `owner or group ${name}`;
  }
  return undefined;
}

function planFile(path: string, findings: SourcedFinding[], ctx: NodeFixContext): FixDraft[] {
  const node = ctx.node;
  const problem = checkAbsolutePath(path);
  if (problem) return [refusedName('files', path, 'path', problem, findings)];
  const drafts: FixDraft[] = [];
  // Recorded on one side only (the states watch different files): nothing is known of the file
  // on the other node, not even whether it exists, so nothing may be written there. A file
  // recorded on both nodes and absent on one is a real difference, planned below.
  const recordedOnBoth =
    ctx.state.files?.items[path] !== undefined && ctx.model?.files?.items[path] !== undefined;
  const notRecorded = findings.filter(
    (f) =>
      (f.source === 'desired' && f.kind === 'missing' && f.severity === 'warning') ||
      ((f.side === 'only-first' || f.side === 'only-second') && !recordedOnBoth), // parity's: only they have a side
  );
  if (notRecorded.length)
    drafts.push(
      advice(
        'files',
        path,
        `${path} was not recorded on every node: collect ${node} and its pair with the same --desired`,
        'the states watch different files',
        notRecorded,
      ),
    );
  const rest = findings.filter((f) => !notRecorded.includes(f));
  if (rest.length === 0) return drafts;

  const rule = ctx.spec.files[path];
  const have = ctx.state.files?.items[path];
  const primary = ctx.model?.files?.items[path];
  const addresses = fingerprints(rest);
  const onlySecondary = rest.filter((f) => f.side === 'only-second');
  if (onlySecondary.length)
    return [
      ...drafts,
      advice(
        'files',
        path,
        `${path} exists only on ${node}: remove it there or create it on the primary`,
        'driftguard removes files only when the roles say present: false',
        onlySecondary,
      ),
    ];

  if (rule?.present === false) {
    return [
      ...drafts,
      {
        category: 'files',
        key: path,
        action: 'change',
        description: `remove ${path} from ${node} (the roles say absent; a backup is kept)`,
        edits: [{ kind: 'remove', path }],
        addresses,
      },
    ];
  }

  const declared = rule !== undefined;
  if (!declared) {
    return [
      ...drafts,
      advice(
        'files',
        path,
        `make ${path} on ${node} identical to the primary's, or declare it \`parity: true\` in the roles so driftguard may copy it`,
        'driftguard writes only files the roles name',
        rest,
      ),
    ];
  }
  if (have?.type === 'symlink' || primary?.type === 'symlink') {
    return [
      ...drafts,
      advice(
        'files',
        path,
        `${path} is a symbolic link (to ${have?.target ?? primary?.target}): make its target match on ${node}`,
        'driftguard writes regular files, never through or over a link',
        rest,
      ),
    ];
  }

  const attributes = wantedAttributes(rule, primary);
  const bad = badAttribute(attributes);
  if (bad) return [...drafts, refusedName('files', path, 'for', `${bad} is not well-formed`, rest)];
  const parity = rest.filter((f) => f.source === 'parity');
  // A content finding or a missing file (drift's "does not exist", or parity's "only on the
  // primary", which the states' difference below tells too), or parity with another content.
  const contentDiffers =
    rest.some((f) => f.aspect === 'sha256' || f.kind === 'missing') ||
    (parity.length > 0 && (primary?.sha256 !== have?.sha256 || primary?.exists !== have?.exists));
  const text = copyableText(primary);
  const contentFits = rule.sha256 === undefined || primary?.sha256 === rule.sha256;
  const changed = {
    mode: attributes.mode !== have?.mode ? attributes.mode : undefined,
    owner: attributes.owner !== have?.owner ? attributes.owner : undefined,
    group: attributes.group !== have?.group ? attributes.group : undefined,
  };
  const notes = [
    changed.mode ? `mode ${changed.mode}` : '',
    changed.owner || changed.group
      ? `owner ${changed.owner ?? have?.owner ?? 'root'}:${changed.group ?? have?.group ?? 'root'}`
      : '',
  ].filter(Boolean);
  const source = copySource(primary, ctx);
  if (contentDiffers && contentFits && (text !== undefined || source)) {
    const how = text !== undefined ? 'as the primary has it' : `copied from ${source?.node} at apply time`;
    return [
      ...drafts,
      {
        category: 'files',
        key: path,
        action: 'change',
        description: `write ${path} on ${node} ${how}${notes.length ? ` (${notes.join(', ')})` : ''}`,
        edits: [
          text !== undefined
            ? { kind: 'content', path, text, ...attributes }
            : { kind: 'copy', path, from: source as { node: string; sha256: string }, ...attributes },
        ],
        addresses,
      },
    ];
  }
  if (contentDiffers)
    drafts.push({
      ...advice(
        'files',
        path,
        `copy ${path} to ${node} by hand${rule.sha256 ? ` (the roles want ${rule.sha256})` : ''}`,
        !ctx.model
          ? 'the node is in no pair: there is no primary to copy it from'
          : !contentFits
            ? "the primary's content does not have the sha256 the roles ask for"
            : 'the primary has no such regular file to copy',
        rest.filter((f) => f.aspect === 'sha256' || f.kind === 'missing' || f.source === 'parity'),
      ),
      part: 'content',
    });
  if (notes.length === 0 || !have?.exists) return drafts;
  // Mode and owner alone; the other findings (parity's) are resolved by them only when the content is equal.
  const resolved = rest.filter(
    (f) => f.aspect === 'mode' || f.aspect === 'owner' || f.aspect === 'group' || !contentDiffers,
  );
  return [
    ...drafts,
    {
      category: 'files',
      key: path,
      action: 'change',
      part: contentDiffers ? 'attributes' : undefined,
      description: `set ${notes.join(', ')} of ${path} on ${node}`,
      edits: [{ kind: 'attributes', path, ...changed }],
      addresses: fingerprints(resolved),
    },
  ];
}

export const filesFixer: CategoryFixer = {
  category: 'files',
  plan: (findings, ctx) => perKey(findings, (path, group) => planFile(path, group, ctx)),
};
