#!/usr/bin/env node
// `node scripts/mutation-survivors.mjs NAME [--status Survived,NoCoverage]`: the mutants of a
// mutation run (reports/mutation/NAME.json, written by `npm run mutate`) that no test killed,
// one line each — file:line:column, the mutator, and the code it put in place — so each can be
// killed by a test or explained in docs/testing.md. Ends with the run's score per file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...rest] = process.argv.slice(2);
if (!name) {
  process.stderr.write('usage: node scripts/mutation-survivors.mjs NAME [--status S1,S2]\n');
  process.exit(2);
}
const statusAt = rest.indexOf('--status');
const wanted = new Set((statusAt >= 0 ? rest[statusAt + 1] : 'Survived,NoCoverage').split(','));
const reportFile = path.join(REPO, 'reports/mutation', `${name}.json`);
if (!fs.existsSync(reportFile)) {
  process.stderr.write(`no report ${reportFile}: run \`npm run mutate\` first\n`);
  process.exit(2);
}
const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));

/** The mutated text on one line, shortened: enough to recognise the change. */
const brief = (text) => {
  const line = String(text ?? '').replace(/\s+/g, ' ');
  return line.length > 90 ? `${line.slice(0, 87)}...` : line;
};

const scores = [];
for (const [file, result] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const count = (statuses) => result.mutants.filter((mutant) => statuses.includes(mutant.status)).length;
  const detected = count(['Killed', 'Timeout']);
  const undetected = count(['Survived', 'NoCoverage']);
  scores.push({ file, detected, undetected });
  const left = result.mutants
    .filter((mutant) => wanted.has(mutant.status))
    .sort(
      (a, b) =>
        a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column,
    );
  for (const mutant of left) {
    const { line, column } = mutant.location.start;
    process.stdout.write(
      `${file}:${line}:${column}\t${mutant.status}\t${mutant.mutatorName}\t${brief(mutant.replacement)}\n`,
    );
  }
}
process.stdout.write('\n');
let totalDetected = 0;
let totalUndetected = 0;
for (const { file, detected, undetected } of scores) {
  totalDetected += detected;
  totalUndetected += undetected;
  const total = detected + undetected;
  const score = total === 0 ? 'n/a' : `${((100 * detected) / total).toFixed(1)} %`;
  process.stdout.write(`${score.padStart(8)}  ${String(undetected).padStart(4)} left  ${file}\n`);
}
const all = totalDetected + totalUndetected;
process.stdout.write(
  `${((100 * totalDetected) / all).toFixed(1).padStart(6)} %  ${String(totalUndetected).padStart(4)} left  (all)\n`,
);
