/**
 * What the packages collector must record of the Rocky 9 packages both rpm tests hold — the
 * captured `rpm -qa` output (src/collect/packages/collect.test.ts) and the rpm database built
 * with rpmbuild (test/integration/packages-rpm.test.ts): EPOCH:VERSION-RELEASE, the epoch only
 * when there is one.
 */
import type { PackagesState } from '../../src/model/state';

export function expectRockyVersions(items: PackagesState['items']): void {
  expect(items['bash:x86_64']).toEqual({
    name: 'bash',
    arch: 'x86_64',
    version: '5.1.8-9.el9',
    status: 'installed',
  });
  expect(items['openssl-libs:x86_64']?.version).toBe('1:3.0.7-27.el9');
  expect(items['perl-interpreter:x86_64']?.version).toBe('4:5.32.1-481.el9');
  expect(items['rocky-release:noarch']?.arch).toBe('noarch');
}
