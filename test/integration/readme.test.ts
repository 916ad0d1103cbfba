/**
 * The README is a newcomer's first hour: every `$ npx driftguard …` in it is run here, and what
 * the README shows under it must be what the command prints — on any day (times are written as
 * `…` there). A line `…` stands for lines left out; `…` within a line for text left out. The
 * enforcement tour (a block tagged `tour:enforce`) is checked against the transcript of
 * `npm run tour:enforce`, which runs it against sandbox nodes. Every file the README and docs/
 * point at exists in the repository.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_ENV, REPO, runCli } from '../helpers/cli';

jest.setTimeout(60_000);

interface Example {
  command: string;
  expected: string[];
  /** The block's tag after the language (```text tour:enforce): a transcript to check against, not commands to run here. */
  tour?: string;
}

/** `$ npx driftguard …` lines in the README's code blocks, with the lines shown under each. */
function examples(markdown: string): Example[] {
  const found: Example[] = [];
  let inBlock = false;
  let tour: string | undefined;
  let current: Example | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      inBlock = !inBlock;
      tour = inBlock ? /^```\S*\s+(tour:\S+)/.exec(line)?.[1] : undefined;
      current = undefined;
      continue;
    }
    if (!inBlock) continue;
    if (line.startsWith('$ ')) {
      current = line.startsWith('$ npx driftguard ')
        ? { command: line.slice(2), expected: [], ...(tour ? { tour } : {}) }
        : undefined;
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

/** Output as lines, without trailing spaces or the trailing blank lines. */
function outputLines(text: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => l.trimEnd());
}

describe('the README', () => {
  const all = examples(readme);
  const runHere = all.filter((example) => !example.tour);
  const enforceTour = all.filter((example) => example.tour === 'tour:enforce');

  it('has a tour to check', () => {
    expect(runHere.length).toBeGreaterThanOrEqual(8);
    expect(enforceTour.length).toBeGreaterThanOrEqual(6);
  });

  // In order: later commands read what earlier ones wrote (collect --out, adopt --out).
  it('shows what each command really prints', () => {
    for (const example of runHere) {
      const args = example.command.split(/\s+/).slice(2);
      const result = runCli(args);
      const actual = outputLines(`${result.stdout}${result.stderr}`);
      const problem = example.expected.length === 0 ? undefined : shows(example.expected, actual);
      expect({ command: example.command, problem }).toEqual({ command: example.command, problem: undefined });
    }
  });

  // The enforcement tour changes machines, so it runs as `npm run tour:enforce` does — against
  // sandbox nodes it starts — and the README's excerpt is checked against that transcript: each
  // command shown was run, in this order, and printed what the README shows under it.
  it(
    'shows what the enforcement tour really prints',
    () => {
      const tour = spawnSync(process.execPath, [path.join(REPO, 'dist/scripts/tour-enforce.js')], {
        encoding: 'utf8',
        // The tour's sweeps keep their fingerprints in the test's cache folder, not in $HOME.
        env: { ...process.env, ...CLI_ENV },
        timeout: 15 * 60_000,
      });
      expect({ status: tour.status, stderr: tour.stderr }).toEqual({ status: 0, stderr: '' });
      const transcript = examples(`\`\`\`\n${tour.stdout}\n\`\`\``);
      let at = 0;
      for (const example of enforceTour) {
        while (at < transcript.length && !pattern(example.command).test((transcript[at] as Example).command))
          at++;
        const ran = transcript[at++];
        const problem = ran
          ? example.expected.length === 0
            ? undefined
            : shows(example.expected, outputLines(ran.expected.join('\n')))
          : 'the tour did not run this command (or not in this order)';
        expect({ command: example.command, problem }).toEqual({
          command: example.command,
          problem: undefined,
        });
      }
    },
    20 * 60_000,
  );

  it('points only at files that are in the repository', () => {
    const documents = [
      'README.md',
      'agents/INSTALL.md',
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
            /`((?:\.\.\/|docs\/|agents\/|examples\/|scripts\/|desired-state\/|bench\/|src\/|test\/)[^`\s]*)`/g,
          ),
        ].map((m) => m[1] as string),
      ]
        // URLs, and placeholders such as `test/fixtures/nodes/NAME` or `src/…`.
        .filter((target) => !/^[a-z]+:/.test(target) && !/NAME|…/.test(target));
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
