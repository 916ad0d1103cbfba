/**
 * A `.wants/` link made by hand with a relative target (`../foo.service`) points next to the
 * link's folder, not into the search directory: enablement agrees with `systemctl --root`.
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
});
