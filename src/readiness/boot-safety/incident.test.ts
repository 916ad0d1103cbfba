/**
 * The PyPI 2013 pair as the example states record it (collected from the pypi-1/pypi-2 fixture
 * nodes) against the example desired state, and the same pair corrected the way an operator
 * would (test/helpers/corrected-pypi.ts) — which must be boot-safe.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectNode } from '../../app/collect-node';
import { effectiveSpec, loadDesired } from '../../desired';
import type { NodeState } from '../../model/state';
import { REPO } from '../../../test/helpers/cli';
import { collectedOnce } from '../../../test/helpers/collected-once';
import { correctedPypiRoot } from '../../../test/helpers/corrected-pypi';
import { bootSafety } from '.';

const desired = loadDesired(path.join(REPO, 'desired-state'));

function exampleState(node: string): NodeState {
  return JSON.parse(fs.readFileSync(path.join(REPO, 'examples/states', `${node}.json`), 'utf8')) as NodeState;
}

describe('boot safety of the PyPI 2013 pair', () => {
  it.each(['pypi-1', 'pypi-2'])(
    '%s hangs at boot on /srv/pypi, fstab line 17, waiting for drbd.service',
    (node) => {
      const findings = bootSafety(exampleState(node), effectiveSpec(desired, node));
      const hang = findings.find((f) => f.aspect === 'boot-hang');
      expect(hang).toMatchObject({
        node,
        category: 'mounts',
        key: '/srv/pypi',
        kind: 'unsafe',
        severity: 'error',
      });
      expect(hang?.message).toContain('/srv/pypi (/etc/fstab line 17) is required by local-fs.target');
      expect(hang?.evidence).toEqual(
        expect.arrayContaining([
          '/etc/fstab:17: /dev/drbd0 /srv/pypi ext4 defaults 0 2',
          'drbd.service → After sysinit.target (default dependency) → After local-fs.target',
        ]),
      );
      // /srv/pypi is a failover mount in the desired state: the boot must not mount it either.
      expect(findings.find((f) => f.aspect === 'failover-at-boot')?.key).toBe('/srv/pypi');
    },
  );

  it('names pypissh.service, whose RequiresMountsFor= would mount /srv/pypi even with noauto, on the primary', () => {
    const failover = bootSafety(exampleState('pypi-1'), effectiveSpec(desired, 'pypi-1')).find(
      (f) => f.aspect === 'failover-at-boot',
    );
    expect(failover?.message).toContain('pypissh.service requires it');
  });

  it.each(['pypi-1', 'pypi-2'] as const)('corrected, %s is boot-safe', async (node) => {
    const state = await collectedOnce(`incident-corrected-${node}`, async () => {
      const root = correctedPypiRoot(node);
      try {
        return (await collectNode({ root, node, now: new Date('2026-11-22T10:00:00Z') })).state;
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
    expect(bootSafety(state, effectiveSpec(desired, node))).toEqual([]);
  });
});
