/**
 * loadDesired(dir): the desired-state folder → a Desired, or one DesiredStateError listing
 * every problem found, each at file:line:col. Nothing is half-loaded.
 *
 * Stages, each on what the previous one accepted: YAML (syntax, duplicate keys, alias bombs) →
 * JSON Schema per kind → normalisation → cross-document rules → role composition. A document
 * that fails an early stage is left out of the later ones, but its name is remembered so that
 * references to it do not add a misleading "not defined" on top of the real problem.
 */
import path from 'node:path';
import type { Desired, NodeDecl, PairDecl, Role, ScheduleDecl } from '../model/desired';
import { hashOf, sha256Hex } from '../shared/canonical-json';
import { DesiredStateError, type Issue } from '../shared/errors';
import { dict } from './dict';
import { normalise } from './normalise';
import { displayPath, readYamlFolder, type YamlFile } from './read-folder';
import { checkDocument } from './schema-validator';
import { buildTables, checkConflicts, checkReferences, type Declared } from './semantics';
import { parseYamlFile } from './yaml-source';

/** Loads, validates and normalises every `*.yaml`/`*.yml` directly in `dir`. */
export function loadDesired(dir: string): Desired {
  const { files, issues } = readYamlFolder(dir);
  // No files always comes with an issue (none found, or none readable).
  if (issues.length > 0) throw invalid(displayPath(dir), issues);
  return desiredFromFiles(path.resolve(dir), files);
}

/**
 * The pure part of loadDesired: the texts of a folder's files, in load order. Also for callers
 * that have the YAML without a folder (an upload to the server, a test).
 */
export function desiredFromFiles(dir: string, files: readonly YamlFile[]): Desired {
  const issues: Issue[] = [];
  const declared: Declared[] = [];
  /** Names of documents that failed validation, by kind: they exist, they are just broken. */
  const broken = new Set<string>();

  for (const { file, text } of files) {
    const parsed = parseYamlFile(text, file);
    issues.push(...parsed.issues);
    for (const doc of parsed.documents) {
      const checked = checkDocument(doc);
      if (!checked.ok) {
        issues.push(...checked.issues);
        const value = doc.value as { kind?: unknown; name?: unknown } | null;
        if (value && typeof value.kind === 'string' && typeof value.name === 'string')
          broken.add(`${value.kind}:${value.name}`);
        continue;
      }
      declared.push({ decl: normalise(checked.kind, doc, issues), doc });
    }
  }

  const tables = buildTables(declared, issues);
  const referenceIssues: Issue[] = [];
  checkReferences(tables, referenceIssues, broken);
  issues.push(...referenceIssues);
  // Composition needs a sound role graph: every name defined, no cycle, no broken role.
  const rolesSound = referenceIssues.length === 0 && ![...broken].some((b) => b.startsWith('Role:'));
  if (rolesSound) checkConflicts(tables, issues);

  if (issues.length > 0) throw invalid(displayPath(dir), issues);

  const pick = <T>(table: Record<string, Declared>): Record<string, T> => {
    const out = dict<T>();
    for (const name of Object.keys(table).sort()) out[name] = table[name]?.decl as T;
    return out;
  };
  return {
    dir,
    roles: pick<Role>(tables.roles),
    nodes: pick<NodeDecl>(tables.nodes),
    pairs: pick<PairDecl>(tables.pairs),
    schedules: pick<ScheduleDecl>(tables.schedules),
    // By base name, so the hash does not depend on the directory it was loaded from.
    hash: hashOf(files.map((f) => [path.basename(f.file), sha256Hex(f.text)])),
  };
}

function invalid(dir: string, issues: Issue[]): DesiredStateError {
  const sorted = [...issues].sort(compareIssues);
  const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
  return new DesiredStateError(`desired state in \`${dir}\` is not valid: ${count}`, sorted);
}

/** By file, line, column; issues without a place first (they are about the whole folder). */
function compareIssues(a: Issue, b: Issue): number {
  if (!a.at || !b.at) return a.at ? 1 : b.at ? -1 : 0;
  if (a.at.file !== b.at.file) return a.at.file < b.at.file ? -1 : 1;
  return a.at.line - b.at.line || a.at.col - b.at.col;
}
