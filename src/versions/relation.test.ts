import { spawnSync } from 'node:child_process';
import {
  compareVersions,
  DPKG_COMPARE_WORDS,
  formatVersionConstraint,
  parseRelationOperator,
  parseVersionConstraint,
  RELATION_OPERATORS,
  relationHolds,
  satisfies,
} from './relation';
import { VersionSyntaxError } from './version-error';

describe('parseRelationOperator', () => {
  it('accepts the five Debian operators', () => {
    for (const op of RELATION_OPERATORS) expect(parseRelationOperator(op)).toBe(op);
  });

  it('refuses the obsolete < and > and says what to write instead', () => {
    expect(() => parseRelationOperator('<')).toThrow(/dpkg reads it as '<=', most people mean '<<'/);
    expect(() => parseRelationOperator('>')).toThrow(/write '>=' or '>>'/);
    expect(() => parseRelationOperator('==')).toThrow(/unknown relation operator/);
    expect(() => parseRelationOperator('=>')).toThrow(VersionSyntaxError);
  });

  it('lists the five operators, space-separated, in the reason for an unknown one', () => {
    expect(() => parseRelationOperator('==')).toThrow(
      "invalid version '==': unknown relation operator; use one of << <= = >= >>",
    );
  });
});

describe('relationHolds', () => {
  it('maps an ordering onto each operator', () => {
    const table = RELATION_OPERATORS.map((op) => [
      op,
      relationHolds(-1, op),
      relationHolds(0, op),
      relationHolds(1, op),
    ]);
    expect(table).toEqual([
      ['<<', true, false, false],
      ['<=', true, true, false],
      ['=', false, true, false],
      ['>=', false, true, true],
      ['>>', false, false, true],
    ]);
  });
});

describe('DPKG_COMPARE_WORDS', () => {
  // The words are dpkg's: asked of `dpkg --compare-versions` itself, each must hold exactly where
  // its operator does (1 against 2, 2 against 2, 3 against 2).
  it.each(RELATION_OPERATORS)('%s is the word dpkg answers like it', (op) => {
    const dpkgHolds = ['1', '2', '3'].map(
      (installed) =>
        spawnSync('dpkg', ['--compare-versions', installed, DPKG_COMPARE_WORDS[op], '2']).status === 0,
    );
    expect(dpkgHolds).toEqual([-1, 0, 1].map((order) => relationHolds(order, op)));
  });
});

describe('satisfies', () => {
  it('dpkg: plain ordering, so an exact version must include the revision', () => {
    expect(satisfies('dpkg', '3.11.2-1+b1', '>=', '3.11')).toBe(true);
    expect(satisfies('dpkg', '3.11~rc1-1', '>=', '3.11')).toBe(false);
    expect(satisfies('dpkg', '3.11-1', '=', '3.11')).toBe(false);
    expect(satisfies('dpkg', '3.11-1', '=', '3.11-1')).toBe(true);
    expect(satisfies('dpkg', '1:1.0-1', '>>', '9.9')).toBe(true);
    expect(satisfies('dpkg', '2.8.6-2', '<<', '2.9.5-1+b1')).toBe(true);
  });

  it('rpm: range overlap, so a wanted version without release matches every release', () => {
    expect(satisfies('rpm', '3.9.18-3.el9', '>=', '3.9')).toBe(true);
    expect(satisfies('rpm', '3.9.18-3.el9', '=', '3.9.18')).toBe(true);
    expect(satisfies('rpm', '3.9.18-3.el9', '>>', '3.9.18')).toBe(false);
    expect(satisfies('rpm', '3.9.18-3.el9', '<<', '3.9.18-4.el9')).toBe(true);
    expect(satisfies('rpm', '32:9.16.23-18.el9', '>=', '10.0')).toBe(true);
  });
});

describe('compareVersions', () => {
  it('uses the scheme the manager uses', () => {
    // "1.0a" vs "1.0+": dpkg puts letters before other characters; rpm ignores the '+'.
    expect(compareVersions('dpkg', '1.0a', '1.0+')).toBe(-1);
    expect(compareVersions('rpm', '1.0a', '1.0+')).toBe(1);
  });
});

describe('parseVersionConstraint', () => {
  it.each<[string, string, string]>([
    ['>= 3.11', '>=', '3.11'],
    ['>=3.11', '>=', '3.11'],
    ['  <<  2:1.0-3  ', '<<', '2:1.0-3'],
    ['= 1.2.0-1', '=', '1.2.0-1'],
    ['1.2.0-1', '=', '1.2.0-1'],
    ['\t>=3.11', '>=', '3.11'], // a tab before the operator is a blank too
  ])('dpkg %j', (text, relation, version) => {
    expect(parseVersionConstraint(text, 'dpkg')).toEqual({ relation, version });
  });

  it('reads rpm EVRs', () => {
    expect(parseVersionConstraint('>= 1:3.9^git1-2.el9', 'rpm')).toEqual({
      relation: '>=',
      version: '1:3.9^git1-2.el9',
    });
  });

  it.each<[string, 'dpkg' | 'rpm', RegExp]>([
    ['>=', 'dpkg', /no version after the relation operator/],
    ['> 3.11', 'dpkg', /ambiguous/],
    ['>= 3.11 3.12', 'dpkg', /embedded spaces/],
    ['>= python3', 'dpkg', /does not start with digit/],
    ['>= 3.11-', 'dpkg', /revision number is empty/],
    ['>= 3.9-', 'rpm', /release is empty/],
    ['>= 3.9/1', 'rpm', /invalid character in version/],
    ['=< 3.9', 'rpm', /unknown relation operator/],
  ])('rejects %j for %s', (text, scheme, message) => {
    expect(() => parseVersionConstraint(text, scheme)).toThrow(message);
  });

  // Any white space inside the version is refused by the constraint itself, for the whole text —
  // before dpkg's rules (which call only a space or a tab a blank) or rpm's are asked.
  it.each<[string, 'dpkg' | 'rpm']>([
    ['>= 3.11 3.12', 'dpkg'],
    ['>= 3.11\n3.12', 'dpkg'],
    ['>= 3.9 1', 'rpm'],
  ])('refuses white space inside the version of %j (%s) as embedded spaces', (text, scheme) => {
    let caught: unknown;
    try {
      parseVersionConstraint(text, scheme);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(VersionSyntaxError);
    expect([(caught as VersionSyntaxError).input, (caught as VersionSyntaxError).reason]).toEqual([
      text,
      'version string has embedded spaces',
    ]);
  });

  it('formats what it parses', () => {
    expect(formatVersionConstraint(parseVersionConstraint('>=3.11', 'dpkg'))).toBe('>= 3.11');
  });
});
