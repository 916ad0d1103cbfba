/**
 * YAML text → documents that remember where every value was written. Pure: text and a display
 * name in, documents and issues out.
 *
 * Defences, because desired state may come from a pull request of anyone:
 * - duplicate keys are errors, not "last one wins" (checked here with a Set per mapping: yaml's
 *   own `uniqueKeys` compares every pair of keys, which made parsing a large folder 30% slower);
 * - alias bombs (billion laughs) are refused twice over: the expanded size of every document is
 *   computed on the syntax tree *before* anything is expanded (anchors memoised, so this is
 *   linear in the text), and yaml's own `maxAliasCount` guards the conversion itself;
 * - every map key must be a plain string (no `? [a, b]` keys, no `!!binary`), tags that yaml
 *   cannot resolve are errors rather than warnings, and YAML 1.1 merge keys (`<<`) are off, so
 *   `<<` is just an unknown key.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  type ParsedNode,
  type Scalar,
  type YAMLError,
  type YAMLMap,
} from 'yaml';
import type { Issue, SourcePosition } from '../shared/errors';

/** Upper bound on the values in one document once aliases are expanded. */
export const MAX_EXPANDED_NODES = 250_000;
/** yaml's own guard (uses of an alias × its size, roughly); generous for hand-written files. */
export const MAX_ALIAS_COUNT = 100;

/** One parsed YAML document, its plain value, and a way back from a path to a position. */
export class SourceDocument {
  constructor(
    readonly file: string,
    /** 0-based index of the document in its file. */
    readonly index: number,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    /** The document as plain JSON-like data. */
    readonly value: unknown,
  ) {}

  /** 1-based position of a character offset in the file. */
  positionAt(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line: Math.max(line, 1), col };
  }

  /** Where the document starts (its first node). */
  start(): SourcePosition {
    return this.positionAt(this.doc.contents?.range[0] ?? 0);
  }

  /**
   * The position of the value at `path` (keys and array indexes, as in a JSON pointer), or of
   * its key when `key` is set — an unknown key is best shown at the key itself. Walks as far as
   * the path exists and returns the deepest position found, so a position is always given.
   */
  positionOf(path: readonly (string | number)[], which: 'key' | 'value' = 'value'): SourcePosition {
    let node: unknown = this.doc.contents;
    let best = this.start();
    for (let i = 0; i < path.length; i++) {
      node = this.resolve(node);
      const segment = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return best;
        const keyNode = pair.key as Scalar;
        if (last && which === 'key') return this.positionAt(keyNode.range?.[0] ?? 0);
        best = this.positionAt(keyNode.range?.[0] ?? 0);
        node = pair.value; // null or undefined when there is none: the next step returns `best`
      } else if (isSeq(node)) {
        node = node.items[Number(segment)];
      } else {
        return best;
      }
      const range = (node as Node | null)?.range;
      if (range) best = this.positionAt(range[0]);
    }
    return best;
  }

  /**
   * For the mapping at `path`: each key's position and value node, in one pass (normalising a
   * role asks this for every rule; walking from the root per rule would be quadratic).
   */
  entriesAt(path: readonly (string | number)[]): Map<string, { at: SourcePosition; node: Node | undefined }> {
    const out = new Map<string, { at: SourcePosition; node: Node | undefined }>();
    const map = this.nodeAt(path);
    if (!isMap(map)) return out;
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      const value = this.resolve(pair.value);
      out.set(String(pair.key.value), {
        at: this.positionAt(pair.key.range?.[0] ?? 0),
        node: (value ?? undefined) as Node | undefined,
      });
    }
    return out;
  }

  /** The YAML node at `path` (aliases resolved), or undefined. */
  nodeAt(path: readonly (string | number)[]): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const segment of path) {
      node = this.resolve(node);
      if (isMap(node)) {
        node = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment))?.value;
      } else if (isSeq(node)) {
        node = node.items[Number(segment)];
      } else {
        return undefined;
      }
    }
    return (this.resolve(node) ?? undefined) as Node | undefined;
  }

  private resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }
}

export interface ParsedYaml {
  documents: SourceDocument[];
  issues: Issue[];
}

/** Parses every document of one file. Documents with problems are reported, not returned. */
export function parseYamlFile(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const issues: Issue[] = [];
  const documents: SourceDocument[] = [];
  const at = (offset: number): SourcePosition => {
    const { line, col } = lines.linePos(offset);
    return { file, line: Math.max(line, 1), col };
  };
  /** yaml's warnings are errors here too (an unknown directive, an unresolved tag). */
  const report = (problems: readonly YAMLError[]): void => {
    for (const problem of problems)
      issues.push({ message: yamlProblemMessage(problem.code, problem.message), at: at(problem.pos[0]) });
  };

  const parsed = parseAllDocuments(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: false,
    merge: false,
    strict: true,
  });
  if ('empty' in parsed) {
    // No document, but possibly problems with directives (`%YAML 1.2 x` in a file of comments).
    report([...parsed.errors, ...parsed.warnings]);
    return { documents, issues };
  }

  parsed.forEach((doc, index) => {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) {
      report(problems);
      return;
    }
    const contents = doc.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) return; // empty document: `---` alone
    const shapeIssues = checkShape(doc, text, at);
    if (shapeIssues.length > 0) {
      issues.push(...shapeIssues);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      issues.push({
        message: `too many alias expansions (a YAML alias bomb?): ${err instanceof Error ? err.message : String(err)}`,
        at: at(contents.range[0]),
      });
      return;
    }
    documents.push(new SourceDocument(file, index, doc, lines, value));
  });
  return { documents, issues };
}

function yamlProblemMessage(code: string, message: string): string {
  if (code === 'TAG_RESOLVE_FAILED') return `${message} (desired state uses no YAML tags)`;
  return `YAML syntax error: ${message}`;
}

/**
 * Keys must be plain strings, each once per mapping, and the document must stay small once
 * aliases are expanded. Anchors are memoised, so the expanded size of a billion-laughs document
 * is computed in time proportional to its text, and refused without ever being expanded.
 */
function checkShape(doc: Document.Parsed, text: string, at: (offset: number) => SourcePosition): Issue[] {
  const sizes = new Map<Node, number>();
  const inProgress = new Set<Node>();
  const issues: Issue[] = [];
  let tooLarge = false;
  let aliases = 0;

  const sizeOf = (node: unknown): number => {
    if (tooLarge) return 0;
    if (isAlias(node)) {
      aliases++;
      const target = node.resolve(doc);
      if (!target) return 1;
      if (inProgress.has(target)) {
        issues.push({
          message: `alias \`*${node.source}\` refers to a value that contains it`,
          at: at(node.range?.[0] ?? 0),
        });
        tooLarge = true; // expanding it would never end
        return 0;
      }
      return sizeOf(target);
    }
    const known = sizes.get(node as Node);
    if (known !== undefined) return known;
    let size = 1;
    inProgress.add(node as Node);
    if (isMap(node)) size += sizeOfMap(node);
    else if (isSeq(node)) for (const item of node.items) size += sizeOf(item);
    inProgress.delete(node as Node);
    if (size > MAX_EXPANDED_NODES && !tooLarge) {
      tooLarge = true;
      issues.push({
        message:
          aliases > 0
            ? `document too large once aliases are expanded (more than ${MAX_EXPANDED_NODES} values; a YAML alias bomb?)`
            : `document too large: more than ${MAX_EXPANDED_NODES} values (desired state is written by hand; split it)`,
        at: at((node as Node).range?.[0] ?? 0),
      });
    }
    sizes.set(node as Node, size);
    return size;
  };

  const sizeOfMap = (map: YAMLMap): number => {
    let size = 0;
    const seen = new Set<string>();
    for (const pair of map.items) {
      // A parsed document has a node for every key, an empty one included (`: v`).
      const key = pair.key as ParsedNode;
      if (!isScalar(key) || typeof key.value !== 'string') {
        const written = text.slice(key.range[0], key.range[1]).trim();
        issues.push({
          message: `every key must be a plain string${written ? `, not \`${written}\`` : ''} (quote it: \`"10": …\`)`,
          at: at(key.range[0]),
        });
        continue;
      }
      if (seen.has(key.value)) {
        issues.push({
          message: `duplicate key \`${key.value}\`: a key may appear only once in a mapping`,
          at: at(key.range[0]),
        });
        continue;
      }
      seen.add(key.value);
      size += 1 + sizeOf(pair.value);
    }
    return size;
  };

  sizeOf(doc.contents);
  return issues;
}
