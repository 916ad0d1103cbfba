/**
 * Packages: install the primary's exact version (parity) or what the roles ask (desired),
 * remove what the roles say is absent, finish an interrupted dpkg run. apt-get and dnf run
 * non-interactively, without recommended packages, keeping changed configuration files.
 * A package only the secondary has is advice: removing software is a decision for a person
 * unless the desired state says `absent`.
 */
import { checkPackageName } from '../../desired/names';
import type { PackageRule } from '../../model/desired';
import type { PackageManager } from '../../model/state';
import { satisfies } from '../../versions/relation';
import type { CategoryFixer, FixDraft, NodeFixContext, SourcedFinding } from '../types';
import { advice, adviceIfAny, fingerprints, perKey, refusedName } from './common';

/** dpkg versions: `[epoch:]upstream[-revision]`; rpm `[epoch:]version-release`. Nothing else reaches argv. */
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+~:_-]*$/;

function installCommand(manager: PackageManager, name: string, arch?: string, version?: string): string[] {
  if (manager === 'rpm') {
    const spec = `${name}${version ? `-${version.replace(/^0:/, '')}` : ''}${arch ? `.${arch}` : ''}`;
    return ['dnf', 'install', '--assumeyes', '--setopt=install_weak_deps=False', spec];
  }
  const spec = `${name}${arch ? `:${arch}` : ''}${version ? `=${version}` : ''}`;
  return [
    'env',
    'DEBIAN_FRONTEND=noninteractive',
    'apt-get',
    'install',
    '--yes',
    '--no-install-recommends',
    '--allow-downgrades',
    '-o',
    'Dpkg::Options::=--force-confold',
    spec,
  ];
}

/**
 * `arch` only for an arch-qualified rule. For a bare name dnf removes every architecture, but apt
 * reads a bare name as the native one: with several installed (`installed`), each is named.
 */
function removeCommand(
  manager: PackageManager,
  name: string,
  arch: string | undefined,
  installed: readonly string[],
): string[] {
  if (manager === 'rpm') return ['dnf', 'remove', '--assumeyes', `${name}${arch ? `.${arch}` : ''}`];
  const specs = arch
    ? [`${name}:${arch}`]
    : installed.length > 1
      ? installed.map((a) => `${name}:${a}`)
      : [name];
  return ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'remove', '--yes', ...specs];
}

/** The architectures of `name` installed on the node, sorted. */
function installedArchitectures(ctx: NodeFixContext, name: string): string[] {
  const items = Object.values(ctx.state.packages?.items ?? {});
  return [...new Set(items.filter((p) => p.name === name).map((p) => p.arch))].sort();
}

function splitKey(key: string): { name: string; arch?: string } {
  const colon = key.indexOf(':');
  return colon === -1 ? { name: key } : { name: key.slice(0, colon), arch: key.slice(colon + 1) };
}

/**
 * The key of the roles' rule that governs a finding's key: its own (`libfoo:i386`, or `libfoo`
 * for a drift finding of that rule), else the bare name's for an architecture of it. A rule of
 * one architecture says nothing of the others. Undefined when the roles name neither.
 */
function governingRuleKey(ctx: NodeFixContext, key: string): string | undefined {
  if (ctx.spec.packages[key]) return key;
  const { name } = splitKey(key);
  return ctx.spec.packages[name] ? name : undefined;
}

/** Findings about one package: those a rule governs (`group` its key), or a name no rule names. */
function planPackage(group: string, findings: SourcedFinding[], ctx: NodeFixContext): FixDraft[] {
  const manager = ctx.state.packages?.manager ?? ctx.model?.packages?.manager ?? 'dpkg';
  const node = ctx.node;
  const { name, arch: ruleArch } = splitKey(group);
  const rule: PackageRule | undefined = ctx.spec.packages[group];
  // Each architecture the pair differs in (libc6:amd64, libc6:i386) is a package of its own; the
  // roles' findings, about the name, go with the first. A removal the roles ask covers them all.
  const parityKeys = [...new Set(findings.filter((f) => f.source === 'parity').map((f) => f.key))];
  if (parityKeys.length > 1 && rule?.state !== 'absent')
    return parityKeys.flatMap((one, i) =>
      planPackage(
        group,
        findings.filter((f) => (f.source === 'parity' ? f.key === one : i === 0)),
        ctx,
      ),
    );
  const addresses = fingerprints(findings);
  const parity = findings.find((f) => f.source === 'parity');
  const key = parity?.key ?? findings[0]?.key ?? name;
  const problem = checkPackageName(key);
  if (problem) return [refusedName('packages', key, 'package name', problem, findings)];

  if (rule?.state === 'absent') {
    const drift = findings.filter((f) => f.source !== 'parity');
    if (drift.length === 0) return []; // not installed here: the primary's copy is the primary's to remove
    // An arch-qualified rule (`libfoo:i386: absent`) removes that architecture only.
    return [
      {
        category: 'packages',
        key: group,
        action: 'change',
        description: `remove ${group} from ${node} (the roles say absent)`,
        commands: [removeCommand(manager, name, ruleArch, installedArchitectures(ctx, name))],
        addresses,
      },
    ];
  }

  if (parity?.side === 'only-second') {
    return [
      advice(
        'packages',
        key,
        `${key} is installed only on ${node}: remove it there, install it on the primary, or add it to the pair's ignore list`,
        'driftguard removes software only when the desired state says absent',
        findings,
      ),
    ];
  }

  const arch = splitKey(key).arch;
  const primaryVersion = parity && typeof parity.expected === 'string' ? parity.expected : undefined;
  if (primaryVersion !== undefined && !VERSION.test(primaryVersion))
    return [
      refusedName(
        'packages',
        key,
        'version of',
        `${JSON.stringify(primaryVersion)} is not a version`,
        findings,
      ),
    ];
  const primaryFits =
    primaryVersion !== undefined &&
    (rule === undefined ||
      !('relation' in rule) ||
      satisfies(manager, primaryVersion, rule.relation, rule.version));
  if (primaryFits) {
    const downgrade = parity?.side === 'newer-second';
    return [
      {
        category: 'packages',
        key,
        action: 'change',
        description: `install ${name} ${primaryVersion} on ${node}, the primary's version${downgrade ? ' (a downgrade)' : ''}`,
        commands: [installCommand(manager, name, arch, primaryVersion)],
        addresses,
      },
    ];
  }
  const wanted = rule && 'relation' in rule ? ` (${rule.relation} ${rule.version})` : '';
  const note =
    primaryVersion !== undefined ? `; the primary's ${primaryVersion} does not satisfy the roles either` : '';
  return [
    {
      category: 'packages',
      key: name,
      action: 'change',
      description: `install ${name}${wanted} on ${node}, the version apt or dnf offers${note}`,
      commands: [installCommand(manager, name, arch)],
      addresses,
    },
  ];
}

/** The key of parity's finding that the two nodes' package managers differ (compare/categories/packages.ts). */
const MANAGERS_DIFFER = '(manager)';

export const packagesFixer: CategoryFixer = {
  category: 'packages',
  plan(findings, ctx) {
    const drafts: FixDraft[] = [];
    const interrupted = findings.filter((f) => f.kind === 'unsafe');
    if (interrupted.length > 0) {
      const manager = ctx.state.packages?.manager ?? 'dpkg';
      drafts.push(
        manager === 'dpkg'
          ? {
              category: 'packages',
              key: '(interrupted)',
              action: 'change',
              description: `finish the interrupted package run on ${ctx.node}: ${interrupted.map((f) => f.key).join(', ')}`,
              commands: [['env', 'DEBIAN_FRONTEND=noninteractive', 'dpkg', '--configure', '-a']],
              addresses: fingerprints(interrupted),
            }
          : advice(
              'packages',
              '(interrupted)',
              `finish the interrupted package transaction on ${ctx.node}`,
              'rpm transactions are recovered with dnf history, by a person',
              interrupted,
            ),
      );
    }
    // Two package managers (a Debian node paired with an EL one) are no package to install.
    const managers = findings.filter((f) => f.key === MANAGERS_DIFFER);
    drafts.push(
      ...adviceIfAny(
        'packages',
        MANAGERS_DIFFER,
        `${ctx.node} uses another package manager than the primary: rebuild it on the primary's distribution`,
        'one package manager cannot be turned into another',
        managers,
      ),
    );
    const rest = findings.filter((f) => f.kind !== 'unsafe' && f.key !== MANAGERS_DIFFER);
    return [
      ...drafts,
      ...perKey(
        rest,
        (group, found) => planPackage(group, found, ctx),
        (f) => governingRuleKey(ctx, f.key) ?? splitKey(f.key).name,
      ),
    ];
  },
};
