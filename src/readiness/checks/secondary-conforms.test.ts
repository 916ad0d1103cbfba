import { context, pairDecl } from '../../../test/helpers/readiness-context';
import { dpkg, spec, state } from '../../../test/helpers/states';
import { secondaryConforms } from './secondary-conforms';

function roles() {
  return spec({ packages: { nginx: { state: 'present' }, telnetd: { state: 'absent' } } });
}

describe('secondary-conforms', () => {
  it('has the id of the contract', () => {
    expect(secondaryConforms.id).toBe('secondary-conforms');
  });

  it('passes a secondary that is what its roles say', () => {
    const ctx = context({
      secondary: state('b', { packages: dpkg(['nginx', '1']) }),
      secondarySpec: roles(),
    });
    expect(secondaryConforms.evaluate(ctx)).toEqual({
      status: 'pass',
      summary: 'b conforms to its roles',
      findings: [],
    });
  });

  it('fails on one way it drifts, with the drift finding', () => {
    const ctx = context({ secondary: state('b', { packages: dpkg() }), secondarySpec: roles() });
    expect(secondaryConforms.evaluate(ctx)).toEqual({
      status: 'fail',
      summary: 'b drifts from its roles in 1 way',
      findings: [
        {
          category: 'packages',
          key: 'nginx',
          kind: 'missing',
          severity: 'error',
          message: 'nginx is not installed, desired present',
          expected: 'present',
          node: 'b',
        },
      ],
    });
  });

  it('counts every way it drifts', () => {
    const ctx = context({
      secondary: state('b', { packages: dpkg(['telnetd', '1']) }),
      secondarySpec: roles(),
    });
    const result = secondaryConforms.evaluate(ctx);
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('b drifts from its roles in 2 ways');
    expect(result.findings.map((f) => [f.node, f.key, f.kind])).toEqual([
      ['b', 'nginx', 'missing'],
      ['b', 'telnetd', 'unexpected'],
    ]);
  });

  it('judges the secondary by its own roles, not the primary’s', () => {
    const ctx = context({
      primary: state('a', { packages: dpkg() }),
      secondary: state('b', { packages: dpkg() }),
      primarySpec: roles(),
    });
    expect(secondaryConforms.evaluate(ctx)).toEqual({
      status: 'pass',
      summary: 'b conforms to its roles',
      findings: [],
    });
  });

  it('a category its roles ask about but not collected fails (unknown is not clean)', () => {
    const result = secondaryConforms.evaluate(context({ secondary: state('b'), secondarySpec: roles() }));
    expect(result).toEqual({
      status: 'fail',
      summary: 'b drifts from its roles in 1 way',
      findings: [
        {
          category: 'packages',
          key: '(not collected)',
          kind: 'missing',
          severity: 'error',
          message: 'packages of b were not collected',
          node: 'b',
        },
      ],
    });
  });

  it('warnings alone: it conforms, with warnings', () => {
    const files = spec({
      files: {
        '/etc/app.conf': { parity: false, mode: '0644' },
        '/etc/b.conf': { parity: false, mode: '0600' },
      },
    });
    const one = spec({ files: { '/etc/app.conf': { parity: false, mode: '0644' } } });
    const node = state('b', { files: { items: {} } });
    expect(secondaryConforms.evaluate(context({ secondary: node, secondarySpec: one }))).toEqual({
      status: 'warn',
      summary: 'b conforms, with 1 warning',
      findings: [
        {
          category: 'files',
          key: '/etc/app.conf',
          kind: 'missing',
          severity: 'warning',
          message:
            "/etc/app.conf was not recorded in this state: collect with --desired so the roles' files are read",
          node: 'b',
        },
      ],
    });
    expect(secondaryConforms.evaluate(context({ secondary: node, secondarySpec: files })).summary).toBe(
      'b conforms, with 2 warnings',
    );
  });

  it('fails with no finding when the secondary never reported', () => {
    expect(secondaryConforms.evaluate(context({ primary: state('a'), secondarySpec: roles() }))).toEqual({
      status: 'fail',
      summary: 'no state of the secondary to check',
      findings: [],
    });
  });

  it('names the pair’s secondary', () => {
    const ctx = context({
      pair: pairDecl({ primary: 'p', secondary: 's' }),
      secondary: state('s', { packages: dpkg() }),
      secondarySpec: roles(),
    });
    expect(secondaryConforms.evaluate(ctx).summary).toBe('s drifts from its roles in 1 way');
    ctx.secondary = state('s', { packages: dpkg(['nginx', '1']) });
    expect(secondaryConforms.evaluate(ctx).summary).toBe('s conforms to its roles');
  });
});
