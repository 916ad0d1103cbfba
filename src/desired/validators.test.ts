import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createAjv, generateValidatorsSource, SCHEMA_IDS } from './schema-compiler';
import * as generated from './generated/validators';

const GENERATED = path.join(__dirname, 'generated', 'validators.ts');

/** Formatted by the project's prettier, in a child process (prettier 3 needs ESM, jest's VM does not give it). */
function formatted(source: string): string {
  const cli = require.resolve('prettier/bin/prettier.cjs');
  return execFileSync(process.execPath, [cli, '--stdin-filepath', GENERATED], {
    input: source,
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
}

describe('generated/validators.ts', () => {
  it('is what the schemas compile to now (DRIFTGUARD_REGENERATE=1 rewrites it)', () => {
    const expected = formatted(generateValidatorsSource());
    if (process.env['DRIFTGUARD_REGENERATE'] === '1') fs.writeFileSync(GENERATED, expected);
    const committed = fs.readFileSync(GENERATED, 'utf8');
    // Compared as a boolean: a 2,000-line diff in the output helps nobody; the header says what to run.
    expect(
      committed === expected
        ? 'up to date'
        : 'stale: run DRIFTGUARD_REGENERATE=1 npx jest src/desired/validators.test.ts',
    ).toBe('up to date');
  }, 30_000);

  it('judges documents exactly as ajv compiling the schemas at run time would', () => {
    const ajv = createAjv({ forStandalone: false });
    const samples: [keyof typeof SCHEMA_IDS, unknown][] = [
      [
        'Role',
        {
          kind: 'Role',
          name: 'r',
          packages: { 'foo; rm': 'present', ok: '>= 1' },
          files: { '/etc/x': { mode: 640 } },
        },
      ],
      [
        'Role',
        {
          kind: 'Role',
          name: 'r',
          pacakges: {},
          units: { 'a.service': { enabled: 'yes', after: ['b.target', 'b.target'] } },
        },
      ],
      ['Node', { kind: 'Node', name: 'n', ssh: { host: 'h', port: 0 }, probes: [{ name: 'x' }] }],
      [
        'Pair',
        {
          kind: 'Pair',
          name: 'p',
          primary: 'a',
          capacity: { minRatio: 0 },
          readiness: { maxReportAge: '10x' },
        },
      ],
      ['Schedule', { kind: 'Schedule', name: 's', cron: '61 * * * *', targets: [], mode: 'sometimes' }],
      ['Schedule', { kind: 'Schedule', name: 's', cron: '0 3 * * *', targets: ['pair:p'] }],
    ];
    for (const [kind, document] of samples) {
      const live = ajv.getSchema(SCHEMA_IDS[kind]);
      const standalone = (generated as unknown as Record<string, typeof live>)[kind];
      if (!live || !standalone) throw new Error(`no validator for ${kind}`);
      const verdict = (validate: NonNullable<typeof live>) => {
        const valid = validate(document);
        return {
          valid,
          errors: (validate.errors ?? []).map(
            (e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`,
          ),
        };
      };
      expect(verdict(standalone)).toEqual(verdict(live));
    }
  });
});
