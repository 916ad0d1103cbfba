/**
 * Checks each YAML document against the JSON Schema of its `kind` (schemas/*.schema.json) and
 * turns ajv's errors into sentences placed at file:line:col.
 *
 * The validators are ajv's, compiled ahead of time into generated/validators.ts (see
 * schema-compiler.ts): requiring them takes about 5 ms, where loading ajv and compiling the
 * schemas at every start of the CLI took 45–100 ms on this host.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Issue } from '../shared/errors';
import { didYouMean } from './did-you-mean';
import { FORMATS } from './formats';
import * as generated from './generated/validators';
import type { SourceDocument } from './yaml-source';

export const KINDS = ['Role', 'Node', 'Pair', 'Schedule'] as const;
export type Kind = (typeof KINDS)[number];

const VALIDATORS = generated as unknown as Record<Kind, ValidateFunction>;

export type Checked = { ok: true; kind: Kind } | { ok: false; issues: Issue[] };

/** Is the document a mapping with a known `kind` that its schema accepts? */
export function checkDocument(doc: SourceDocument): Checked {
  const value = doc.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail({
      message: `a document must be a mapping with a \`kind\` (${KINDS.join(', ')}), not ${describeValue(value)}`,
      at: doc.start(),
    });
  }
  const kind = (value as Record<string, unknown>)['kind'];
  if (kind === undefined) {
    return fail({
      message: `document has no \`kind\`: add \`kind: Role\` (or Node, Pair, Schedule)`,
      at: doc.start(),
    });
  }
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    const text = typeof kind === 'string' ? `\`${kind}\`` : describeValue(kind);
    const hint = typeof kind === 'string' ? didYouMean(kind, KINDS) : '';
    return fail({
      message: `unknown kind ${text}${hint || ` (one of ${KINDS.join(', ')})`}`,
      at: doc.positionOf(['kind']),
    });
  }
  const validate = VALIDATORS[kind as Kind];
  if (validate(value)) return { ok: true, kind: kind as Kind };
  const errors = validate.errors ?? [];
  // A bad key shows up as a `format` error on the name (at the map's path, without saying it is
  // a key: the `$ref`s are not inlined) followed by a `propertyNames` error naming it.
  const badKeys = new Set(
    errors
      .filter((e) => e.keyword === 'propertyNames')
      .map((e) => `${e.instancePath}\0${String((e.params as { propertyName: string }).propertyName)}`),
  );
  const issues = errors
    .map((error) => describeError(error, doc, kind as Kind, badKeys))
    .filter((issue): issue is Issue => issue !== undefined)
    .sort((a, b) => (a.at && b.at ? a.at.line - b.at.line || a.at.col - b.at.col : 0));
  return fail(...issues);
}

function fail(...issues: Issue[]): Checked {
  return { ok: false, issues };
}

/** `pointer` and one more segment: (`/files`, `/etc/hosts`) → `/files/~1etc~1hosts`. */
function childPointer(pointer: string, segment: string): string {
  return `${pointer}/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** `/files/~1etc~1hosts/mode` → `['files', '/etc/hosts', 'mode']`. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Map entries whose keys are names, and what to call one entry in a message. */
const ENTRY_NOUNS: Record<string, string> = {
  packages: 'package',
  sysctls: 'sysctl',
  mounts: 'mount',
  units: 'unit',
  files: 'file',
  users: 'user',
  probes: 'probe',
};

/** A person's name for the place at `segments`: "`mode` of file `/etc/x`", "`port` of `ssh`". */
function placeName(kind: Kind, segments: readonly string[]): string {
  if (segments.length === 0) return kind;
  const [first, second, ...rest] = segments;
  const noun = first === undefined ? undefined : ENTRY_NOUNS[first];
  if (noun && second !== undefined) {
    const entry = first === 'probes' ? `${noun} ${Number(second) + 1}` : `${noun} \`${second}\``;
    return rest.length === 0 ? entry : `\`${fieldPath(rest)}\` of ${entry}`;
  }
  if (second === undefined || /^[0-9]+$/.test(second)) return `\`${fieldPath(segments)}\``;
  return `\`${fieldPath(segments.slice(1))}\` of \`${first}\``;
}

/** `['after', '0']` → `after[0]`. */
function fieldPath(segments: readonly string[]): string {
  return segments.reduce((out, s) => (/^[0-9]+$/.test(s) ? `${out}[${s}]` : out ? `${out}.${s}` : s), '');
}

/** The place that holds the value at `segments`, for "unknown key … in <place>". */
function containerName(kind: Kind, segments: readonly string[]): string {
  return segments.length === 0 ? kind : `${placeName(kind, segments)} in ${kind}`;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `\`${value}\``;
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a mapping (`key: value` lines)',
  array: 'a list',
};

function describeError(
  error: ErrorObject,
  doc: SourceDocument,
  kind: Kind,
  badKeys: ReadonlySet<string>,
): Issue | undefined {
  const segments = pointerSegments(error.instancePath);
  const path = error.instancePath || '/';
  switch (error.keyword) {
    case 'propertyNames':
      return undefined; // the failing name's own `format` error says what is wrong with it
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(
        (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
      );
      // `known` is never empty: every mapping that forbids other keys lists them (see the schemas' test).
      const hint = didYouMean(key, known) || ` (known keys: ${known.join(', ')})`;
      return {
        message: `unknown key \`${key}\` in ${containerName(kind, segments)}${hint}`,
        at: doc.positionOf([...segments, key], 'key'),
        path: childPointer(error.instancePath, key),
      };
    }
    case 'required': {
      const key = String((error.params as { missingProperty: string }).missingProperty);
      return {
        message: `missing key \`${key}\` in ${containerName(kind, segments)}`,
        at: doc.positionOf(segments),
        path,
      };
    }
    case 'type':
      return { message: typeMessage(error, doc, kind, segments), at: doc.positionOf(segments), path };
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      return {
        message: `${placeName(kind, segments)} must be one of ${allowed.join(', ')}, not ${describeValue(error.data)}${hint}`,
        at: doc.positionOf(segments),
        path,
      };
    }
    case 'format': {
      const format = String((error.params as { format: string }).format);
      const rule = FORMATS[format];
      const keyName =
        error.propertyName ??
        (typeof error.data === 'string' && badKeys.has(`${error.instancePath}\0${error.data}`)
          ? error.data
          : undefined);
      if (keyName !== undefined) {
        const name = keyName;
        const reason = rule?.check(name) ?? 'it is not valid';
        return {
          message: `\`${name}\` is not a valid ${rule?.label ?? format}: ${reason}`,
          at: doc.positionOf([...segments, name], 'key'),
          path: childPointer(error.instancePath, name),
        };
      }
      const value = String(error.data);
      const reason = rule?.check(value) ?? 'it is not valid';
      return {
        message: `${placeName(kind, segments)}: \`${value}\` is not a valid ${rule?.label ?? format}: ${reason}`,
        at: doc.positionOf(segments),
        path,
      };
    }
    case 'uniqueItems': {
      const { i, j } = error.params as { i: number; j: number };
      const later = Math.max(i, j);
      const item = Array.isArray(error.data) ? (error.data as unknown[])[later] : undefined;
      return {
        message: `${placeName(kind, segments)} lists ${typeof item === 'string' ? `\`${item}\`` : describeValue(item)} twice`,
        at: doc.positionOf([...segments, later]),
        path,
      };
    }
    default:
      return {
        message: `${placeName(kind, segments)} ${error.message ?? 'is not valid'} (found ${describeValue(error.data)})`,
        at: doc.positionOf(segments),
        path,
      };
  }
}

/**
 * "must be a string, not the number 640" — and when a number was written where a string is
 * needed, say what YAML made of it: `mode: 0640` is the number 640 (YAML 1.2 has no leading-zero
 * octal), `python3: 3.10` is 3.1. Quoting is the fix in both cases.
 */
function typeMessage(
  error: ErrorObject,
  doc: SourceDocument,
  kind: Kind,
  segments: readonly string[],
): string {
  const expected = ([] as string[]).concat((error.params as { type: string | string[] }).type);
  const wanted = expected.map((t) => TYPE_NAMES[t] ?? t).join(' or ');
  const base = `${placeName(kind, segments)} must be ${wanted}, not ${describeValue(error.data)}`;
  if (!expected.includes('string') || typeof error.data !== 'number') return base;
  const node = doc.nodeAt(segments) as { source?: unknown } | undefined;
  const source = typeof node?.source === 'string' ? node.source : String(error.data);
  // Quoting helps only if the quoted text would then be valid (`"600"` is still no duration).
  const rule = FORMATS[(error.parentSchema as { format?: string } | undefined)?.format ?? ''];
  const stillWrong = rule?.check(source);
  if (rule && stillWrong) return `${base}: \`${source}\` is not a valid ${rule.label} either: ${stillWrong}`;
  const readAs =
    source === String(error.data)
      ? `the number ${source}`
      : `\`${source}\` as the number ${String(error.data)}`;
  const example = rule?.label === 'file mode' ? `"${source.padStart(4, '0')}"` : `"${source}"`;
  return `${base}: write it in quotes, like ${example} — unquoted, YAML reads ${readAs}`;
}
