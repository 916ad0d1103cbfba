/**
 * Differential test: live sysctls of this host against `sysctl -a` from procps (Debian package
 * `procps`). Where procps prints differently, the difference is normalised here on purpose and
 * named — never skipped silently:
 *   - `--deprecated`: without it procps hides net.ipv{4,6}.neigh.*.base_reachable_time and
 *     retrans_time, which are real, readable keys;
 *   - a multi-line value (kernel.core_modes, dev.cdrom.info) is printed by procps as one
 *     `key = line` per line; driftguard keeps one value, lines joined by a space;
 *   - procps prints tabs inside values as they are (net.ipv4.tcp_rmem); driftguard collapses
 *     whitespace runs to one space, so procps values are collapsed before comparing;
 *   - procps prints nothing for a key whose read returns no data (vm.stat_refresh); driftguard
 *     records it with the empty value;
 *   - counters change between two reads, so a value may equal either of driftguard's readings
 *     taken before and after procps'; the keys that change by themselves on every read are
 *     deliberately not collected, and must be exactly the ones missing. Which keys those are is
 *     the tests' own list (test/helpers/volatile-sysctls.ts), not asked of the code under test:
 *     a collector that dropped more keys must fail here.
 */
import { execFileSync } from 'node:child_process';
import { DiskRootFs } from '../../src/collect/root-fs';
import { readLiveSysctls } from '../../src/collect/sysctls/live';
import { changesByItself } from '../helpers/volatile-sysctls';

function procpsSysctls(): Map<string, string> {
  const out = execFileSync('sysctl', ['-a', '--deprecated'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const values = new Map<string, string>();
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const separator = line.indexOf(' = ');
    const key = separator === -1 ? line.replace(/ =$/, '') : line.slice(0, separator);
    const value = separator === -1 ? '' : line.slice(separator + 3);
    const previous = values.get(key);
    values.set(key, previous === undefined ? value : `${previous} ${value}`);
  }
  for (const [key, value] of values) values.set(key, value.trim().replace(/\s+/g, ' '));
  return values;
}

describe('live sysctls of this host equal `sysctl -a --deprecated` (Debian package procps)', () => {
  const fs = new DiskRootFs('/');
  const before = readLiveSysctls(fs) ?? {};
  const procps = procpsSysctls();
  const after = readLiveSysctls(fs) ?? {};

  it('reads a realistic number of keys', () => {
    expect(procps.size).toBeGreaterThan(500);
  });

  it('has every key procps prints, except the volatile counters it leaves out on purpose', () => {
    const missing = [...procps.keys()].filter((key) => !(key in before) && !(key in after));
    expect(missing.sort()).toEqual([...procps.keys()].filter(changesByItself).sort());
    expect(missing).toContain('fs.dentry-state');
    expect(missing).toContain('kernel.random.uuid');
  });

  it('has no key procps does not print, except those whose read returns nothing', () => {
    const extra = Object.keys(before).filter((key) => !procps.has(key) && before[key] !== '');
    expect(extra).toEqual([]);
  });

  it('has the same values', () => {
    const differing: string[] = [];
    for (const [key, value] of procps) {
      if (changesByItself(key)) continue;
      if (value !== before[key] && value !== after[key])
        differing.push(`${key}: procps ${value} / ours ${before[key]}`);
    }
    expect(differing).toEqual([]);
  });
});
