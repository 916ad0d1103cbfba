/**
 * The fixers, one per category, in the order a node's fixes are applied: packages first (they
 * bring unit files and users), then accounts and files, fstab, sysctls, units last. The advice
 * categories follow; nothing of theirs runs.
 */
import type { CategoryFixer } from '../types';
import { capacityFixer, nodeFixer, osFixer, probesFixer, replicationFixer } from './advice';
import { filesFixer } from './files';
import { mountsFixer } from './mounts';
import { packagesFixer } from './packages';
import { sysctlsFixer } from './sysctls';
import { unitsFixer } from './units';
import { usersFixer } from './users';

export const FIXERS: readonly CategoryFixer[] = [
  packagesFixer,
  usersFixer,
  filesFixer,
  mountsFixer,
  sysctlsFixer,
  unitsFixer,
  capacityFixer,
  replicationFixer,
  osFixer,
  nodeFixer,
  probesFixer,
];
