/**
 * A `.wants/` link made by hand with a relative target (`../foo.service`) points next to the
 * link's folder, not into the search directory's parent: enablement agrees with
 * `systemctl --root`, and a link to a masked unit (an empty file there) adds no Wants=.
 */
import { execFileSync } from 'node:child_process';
import { collectUnitsSync } from '../../src/collect/units/collect';
import { DiskRootFs } from '../../src/collect/root-fs';
import { removeTree, writeTree } from '../helpers/temp-tree';
import { requireTool } from '../helpers/tools';

describe('relative symlinks in .wants folders', () => {
  let root: string;
  beforeAll(() => {
    requireTool(['systemctl', '--version'], 'systemd');
    root = writeTree({
      '/etc/systemd/system/app.service':
        '[Unit]\nDescription=app\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n',
      '/etc/systemd/system/multi-user.target.wants/app.service': { symlink: '../app.service' },
      '/etc/systemd/system/masked.service': '',
      '/etc/systemd/system/multi-user.target.wants/masked.service': { symlink: '../masked.service' },
      '/usr/lib/systemd/system/multi-user.target': '[Unit]\nDescription=Multi-User System\n',
    });
  });
  afterAll(() => removeTree(root));

  it("resolves against the link's folder and agrees with systemctl --root", () => {
    const units = collectUnitsSync(new DiskRootFs(root));
    const app = units.items['app.service'];
    expect(app?.wantedByLinks).toEqual(['multi-user.target']);
    const real = execFileSync('systemctl', ['--root', root, 'is-enabled', 'app.service'], {
      encoding: 'utf8',
    }).trim();
    expect(app?.enablement).toBe(real);
  });

  it('finds a masked target next to the link, so the mask is not pulled in', () => {
    const units = collectUnitsSync(new DiskRootFs(root));
    expect(units.items['multi-user.target']?.wants).toEqual(['app.service']);
  });
});
