/**
 * The README is a newcomer's first hour: every `$ npx driftguard …` in it is run here, and what
 * the README shows under it must be what the command prints — on any day (times are written as
 * `…` there). A line `…` stands for lines left out; `…` within a line for text left out. Every
 * file the README and docs/ point at exists in the repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, runCli } from '../helpers/cli';

jest.setTimeout(60_000);

interface Example {
  command: string;
  expected: string[];
}

/** `$ npx driftguard …` lines in the README's code blocks, with the lines shown under each. */
function examples(markdown: string): Example[] {
  const found: Example[] = [];
  let inBlock = false;
  let current: Example | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      inBlock = !inBlock;
      current = undefined;
      continue;
    }
    if (!inBlock) continue;
    if (line.startsWith('$ ')) {
      current = line.startsWith('$ npx driftguard ') ? { command: line.slice(2), expected: [] } : undefined;
      if (current) found.push(current);
    } else if (current) current.expected.push(line.trimEnd());
  }
  for (const example of found) while (example.expected.at(-1) === '') example.expected.pop();
  return found;
}

/** A line as a pattern: `…` stands for any text. */
function pattern(line: string): RegExp {
  const escaped = line
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`);
}

/**
 * Whether `actual` is what `expected` shows: line by line from the first, `…` lines skipping any
 * number of lines, nothing left over at the end unless the last shown line is `…`.
 */
function shows(expected: readonly string[], actual: readonly string[]): string | undefined {
  let at = 0;
  for (let i = 0; i < expected.length; i++) {
    const line = expected[i] as string;
    if (line.trim() === '…') {
      const next = expected[i + 1];
      if (next === undefined) return undefined;
      while (at < actual.length && !pattern(next).test(actual[at] as string)) at++;
      continue;
    }
    if (at >= actual.length) return `the output ended before: ${line}`;
    if (!pattern(line).test(actual[at] as string)) return `expected: ${line}\n     got: ${actual[at]}`;
    at++;
  }
  return at === actual.length ? undefined : `not in the README: ${actual[at]}`;
}

const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');

/** Folders the tour writes into (`--out /tmp/…`), removed afterwards unless they were there before. */
const written = [...readme.matchAll(/--out (\/tmp\/[^/\s]+)\//g)].map((m) => m[1] as string);
const existedBefore = new Set(written.filter((dir) => fs.existsSync(dir)));
afterAll(() => {
  for (const dir of written) if (!existedBefore.has(dir)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the README', () => {
  const all = examples(readme);

  it('has a tour to check', () => {
    expect(all.length).toBeGreaterThanOrEqual(8);
  });

  // In order: later commands read what earlier ones wrote (collect --out, adopt --out).
  it('shows what each command really prints', () => {
    for (const example of all) {
      const args = example.command.split(/\s+/).slice(2);
      const result = runCli(args);
      const actual = `${result.stdout}${result.stderr}`
        .trimEnd()
        .split('\n')
        .map((l) => l.trimEnd());
      const problem = example.expected.length === 0 ? undefined : shows(example.expected, actual);
      expect({ command: example.command, problem }).toEqual({ command: example.command, problem: undefined });
    }
  });

  it('points only at files that are in the repository', () => {
    const documents = [
      'README.md',
      ...fs
        .readdirSync(path.join(REPO, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const missing: string[] = [];
    for (const document of documents) {
      const text = fs.readFileSync(path.join(REPO, document), 'utf8');
      const targets = [
        ...[...text.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1] as string),
        ...[
          ...text.matchAll(
            /`((?:\.\.\/|docs\/|agents\/|examples\/|scripts\/|desired-state\/|bench\/)[^`\s]*)`/g,
          ),
        ].map((m) => m[1] as string),
      ].filter((target) => !/^[a-z]+:/.test(target));
      for (const target of targets) {
        // `../x` is relative to the document, like a link; other paths are the repository's.
        const base = target.startsWith('../') ? path.dirname(document) : '.';
        const resolved = path.resolve(REPO, base, target.replace(/\/\*$/, ''));
        if (!resolved.startsWith(REPO) || !fs.existsSync(resolved)) missing.push(`${document}: ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
