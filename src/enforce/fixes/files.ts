import type { FileInfo } from '../../model/state';
import type { Fixer } from './types';
import { fix } from './types';

/** Files: the primary's (or the role's) content, then mode and owner. Never guesses a secret's content. */
export const fixFile: Fixer = (finding, { target, model }) => {
  const node = finding.node;
  if (!node) return undefined;
  const path = finding.key;
  const ours: FileInfo | undefined = target?.files?.items[path];
  const theirs: FileInfo | undefined = model?.files?.items[path];
  const commands: string[][] = [];
  const files = [];
  if (theirs?.text !== undefined && ours?.text !== theirs.text)
    files.push({ path, before: ours?.text, after: theirs.text });
  const wanted = (finding.expected ?? {}) as { mode?: string; owner?: string; group?: string };
  const mode = wanted.mode ?? theirs?.mode;
  const owner = wanted.owner ?? theirs?.owner;
  const group = wanted.group ?? theirs?.group;
  if (mode && mode !== ours?.mode) commands.push(['chmod', mode, path]);
  if ((owner && owner !== ours?.owner) || (group && group !== ours?.group))
    commands.push(['chown', `${owner ?? ours?.owner ?? 'root'}:${group ?? ours?.group ?? 'root'}`, path]);
  if (files.length === 0 && commands.length === 0)
    return fix(
      node,
      `make ${path} on ${node} identical to the primary's (its content is not recorded: copy it by hand)`,
    );
  return fix(
    node,
    `make ${path} on ${node} ${theirs ? "the primary's" : 'what the role says'}`,
    commands,
    files,
  );
};
