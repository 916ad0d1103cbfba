import type { Desired, Probe } from '../../model/desired';
import type { ProbeResult } from '../../model/readiness';
import { context, nodeDecl, pairDecl } from '../../../test/helpers/readiness-context';
import { reachability } from './reachability';

function ssh(): Probe {
  return { name: 'ssh', tcp: '192.0.2.2:22' };
}

function bmc(): Probe {
  return { name: 'bmc', tcp: '192.0.2.102:623' };
}

/** The pair ab with these probes declared for the secondary b (and `primary` for a). */
function desired(secondary: Probe[], primary: Probe[] = []): Desired {
  const pair = pairDecl();
  return {
    dir: '/desired',
    roles: {},
    nodes: { a: nodeDecl('a', { probes: primary }), b: nodeDecl('b', { probes: secondary }) },
    pairs: { ab: pair },
    schedules: {},
    hash: 'sha256:0',
  };
}

function evaluate(declared: Probe[], probes: ProbeResult[] | undefined, primaryDeclared: Probe[] = []) {
  return reachability.evaluate(context({ desired: desired(declared, primaryDeclared), probes }));
}

function result(name: string, ok: boolean, error?: string, node = 'b'): ProbeResult {
  const target = name === 'ssh' ? ssh().tcp : bmc().tcp;
  return error === undefined ? { node, name, target, ok } : { node, name, target, ok, error };
}

const NONE_DECLARED = {
  status: 'warn',
  summary: 'no probe is declared for b: its SSH and out-of-band access are untested',
  findings: [
    {
      category: 'probes',
      key: 'b',
      kind: 'missing',
      severity: 'warning',
      node: 'b',
      message: 'declare probes for b (e.g. ssh tcp:22, bmc tcp:623) so a failover knows it can reach it',
    },
  ],
};

describe('reachability', () => {
  it('has the id of the contract', () => {
    expect(reachability.id).toBe('reachability');
  });

  it('passes when every declared probe of the secondary answers', () => {
    expect(evaluate([ssh(), bmc()], [result('ssh', true), result('bmc', true)])).toEqual({
      status: 'pass',
      summary: 'all 2 probes of b answer',
      findings: [],
    });
  });

  it('passes, in the singular, when the one declared probe of the secondary answers', () => {
    expect(evaluate([ssh()], [result('ssh', true)])).toEqual({
      status: 'pass',
      summary: 'the probe of b answers',
      findings: [],
    });
  });

  it('fails on a probe that does not answer, with its error', () => {
    expect(
      evaluate([ssh(), bmc()], [result('ssh', true), result('bmc', false, 'connection refused')]),
    ).toEqual({
      status: 'fail',
      summary: '1 of 2 probes of b does not answer',
      findings: [
        {
          category: 'probes',
          key: 'bmc',
          kind: 'mismatch',
          severity: 'error',
          node: 'b',
          expected: 'answers',
          actual: 'connection refused',
          message: 'probe bmc of b (192.0.2.102:623) does not answer: connection refused',
        },
      ],
    });
  });

  it('fails on every probe that does not answer, in the declared order', () => {
    const out = evaluate(
      [ssh(), bmc()],
      [result('bmc', false, 'no answer within 3000 ms'), result('ssh', false, 'connection refused')],
    );
    expect(out.status).toBe('fail');
    expect(out.summary).toBe('2 of 2 probes of b do not answer');
    expect(out.findings.map((f) => [f.key, f.actual])).toEqual([
      ['ssh', 'connection refused'],
      ['bmc', 'no answer within 3000 ms'],
    ]);
  });

  it('fails on a declared probe with no result among those run', () => {
    expect(evaluate([ssh()], [])).toEqual({
      status: 'fail',
      summary: '1 of 1 probe of b does not answer',
      findings: [
        {
          category: 'probes',
          key: 'ssh',
          kind: 'mismatch',
          severity: 'error',
          node: 'b',
          expected: 'answers',
          actual: 'not run',
          message: 'probe ssh of b (192.0.2.2:22) does not answer: not run',
        },
      ],
    });
  });

  it('does not count an answer of the same probe name on another node', () => {
    const out = evaluate([ssh()], [result('ssh', true, undefined, 'a')], [ssh()]);
    expect(out.status).toBe('fail');
    expect(out.findings.map((f) => [f.node, f.key, f.actual])).toEqual([['b', 'ssh', 'not run']]);
  });

  it('does not count an answer of another probe of the secondary', () => {
    const out = evaluate([ssh()], [result('bmc', true)]);
    expect(out.findings.map((f) => [f.key, f.actual])).toEqual([['ssh', 'not run']]);
  });

  // A result that says it failed but gives no reason reads "not run" (see the notes).
  it('a failed result without an error reads as no answer: it was run', () => {
    expect(evaluate([ssh()], [result('ssh', false)]).findings.map((f) => [f.actual, f.message])).toEqual([
      ['no answer', 'probe ssh of b (192.0.2.2:22) does not answer: no answer'],
    ]);
  });

  describe('probes not run: a warning per declared probe', () => {
    it('one probe', () => {
      expect(evaluate([ssh()], undefined)).toEqual({
        status: 'warn',
        summary: '1 probe was not run',
        findings: [
          {
            category: 'probes',
            key: 'ssh',
            kind: 'missing',
            severity: 'warning',
            node: 'b',
            message: 'probe ssh (192.0.2.2:22) was not run',
          },
        ],
      });
    });

    it('two probes', () => {
      const out = evaluate([ssh(), bmc()], undefined);
      expect(out.status).toBe('warn');
      expect(out.summary).toBe('2 probes were not run');
      expect(out.findings.map((f) => f.message)).toEqual([
        'probe ssh (192.0.2.2:22) was not run',
        'probe bmc (192.0.2.102:623) was not run',
      ]);
    });
  });

  describe('no probe declared for the secondary: a warning that its access is untested', () => {
    it('with probes run', () => {
      expect(evaluate([], [])).toEqual(NONE_DECLARED);
    });

    it('with probes not run', () => {
      expect(evaluate([], undefined)).toEqual(NONE_DECLARED);
    });

    it('even when the primary declares probes', () => {
      expect(evaluate([], [result('ssh', true, undefined, 'a')], [ssh()])).toEqual(NONE_DECLARED);
    });

    it('when the secondary is not declared as a node at all', () => {
      const d = desired([]);
      delete d.nodes.b;
      expect(reachability.evaluate(context({ desired: d, probes: [] }))).toEqual(NONE_DECLARED);
    });
  });

  it('names the pair’s secondary', () => {
    const pair = pairDecl({ primary: 'p', secondary: 's' });
    const out = reachability.evaluate(
      context({
        pair,
        desired: { ...desired([]), nodes: { s: nodeDecl('s', { probes: [ssh()] }) } },
        probes: [{ node: 's', name: 'ssh', target: ssh().tcp, ok: false, error: 'timed out' }],
      }),
    );
    expect(out.summary).toBe('1 of 1 probe of s does not answer');
    expect(out.findings.map((f) => [f.node, f.message])).toEqual([
      ['s', 'probe ssh of s (192.0.2.2:22) does not answer: timed out'],
    ]);
  });
});
