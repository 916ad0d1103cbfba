/**
 * The fixers, one per category, in the order a node's fixes are applied:
 *   - fstab and sysctls first: they need nothing installed, and they are what keeps a node safe
 *     (no boot hang on the DRBD device, a reboot after a panic — the PyPI 2013 lessons), so a
 *     package that fails to install later in the run does not stand in their way;
 *   - packages next: they bring unit files, users and the folders configuration lives in;
 *   - then accounts, files, and units last (enabling a unit needs its file).
 * The advice categories follow; nothing of theirs runs. The monitoring path (reports, probes)
 * is not a node's configuration and has no fixer here: `ready` advises on it (advice.ts).
 */
import type { CategoryFixer } from '../types';
import { capacityFixer, replicationFixer } from './advice';
import { filesFixer } from './files';
import { mountsFixer } from './mounts';
import { packagesFixer } from './packages';
import { sysctlsFixer } from './sysctls';
import { unitsFixer } from './units';
import { usersFixer } from './users';

export const FIXERS: readonly CategoryFixer[] = [
  mountsFixer,
  sysctlsFixer,
  packagesFixer,
  usersFixer,
  filesFixer,
  unitsFixer,
  capacityFixer,
  replicationFixer,
];
