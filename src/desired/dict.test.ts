import { loadDesired } from './load';
import { reviveDesired } from './dict';

describe('reviveDesired', () => {
  it('gives a desired state copied across threads its prototype-free tables back', () => {
    const copied = structuredClone(loadDesired('desired-state'));
    // The copy has Object.prototype: a node named `constructor` would be "declared".
    expect(copied.nodes['constructor']).toBeDefined();
    const revived = reviveDesired(copied);
    for (const table of [revived.roles, revived.nodes, revived.pairs, revived.schedules])
      expect(Object.getPrototypeOf(table)).toBeNull();
    for (const role of Object.values(revived.roles))
      for (const table of [role.packages, role.sysctls, role.mounts, role.units, role.files, role.users])
        expect(Object.getPrototypeOf(table)).toBeNull();
    expect(revived.nodes['constructor']).toBeUndefined();
    expect(revived).toEqual(copied);
  });
});
