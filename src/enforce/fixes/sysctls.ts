/**
 * sysctls: set the value live with `sysctl -w` and persist it in driftguard's one sysctl.d
 * file, so it holds now and after the next reboot (the PyPI 2013 primary had kernel.panic = 0
 * and sat in its panic). The value is the roles' when they name one, else the primary's; for
 * kernel.panic with neither, reboot after 10 s.
 *
 * systemd-sysctl reads every sysctl.d file in the order of their names and the last value
 * wins, so a key that a later file (`99-sysctl.conf` → /etc/sysctl.conf) sets otherwise cannot
 * be persisted from `90-driftguard.conf`: that part becomes advice naming the file and line,
 * since driftguard never edits someone else's sysctl file.
 */
import { normalizeSysctlValue, persistedFor } from '../../compare';
import { checkSysctlKey } from '../../desired/names';
import type { SysctlsState } from '../../model/state';
import { MANAGED_SYSCTL_FILE } from '../../model/managed-files';
import { MANAGED_SYSCTL_BASENAME } from '../edits/managed-files';
import type { CategoryFixer, FixDraft, NodeFixContext, SourcedFinding } from '../types';
import { advice, adviceIfAny, fingerprints, perKey, refusedName } from './common';

/** Seconds before a panicked kernel reboots, when nothing else says (the PyPI report's fix). */
const DEFAULT_PANIC_REBOOT = '10';

/**
 * A kernel.panic that reboots a panicked kernel: after that many seconds, or at once when
 * negative (kernel/panic.c); 0 waits for ever. Number(undefined) is NaN: no value, no reboot.
 */
function rebootsAfterPanic(value: string | undefined): boolean {
  const seconds = Number(value);
  return Number.isInteger(seconds) && seconds !== 0;
}

/** What the key must be: the roles' value, else the primary's, else (for a panic check) 10 s. */
function wantedValue(key: string, findings: SourcedFinding[], ctx: NodeFixContext): string | undefined {
  const rule = ctx.spec.sysctls[key];
  if (rule) return normalizeSysctlValue(rule.value);
  const primaryLive = ctx.model?.sysctls?.live[key];
  const primaryPersisted = ctx.model?.sysctls ? persistedFor(ctx.model.sysctls, key)?.value : undefined;
  if (findings.some((f) => f.source === 'safety')) {
    // Only a reboot after a panic is asked: the primary's value if it has one, else the default.
    const primary = [primaryPersisted, primaryLive].find(rebootsAfterPanic);
    return primary ? normalizeSysctlValue(primary) : DEFAULT_PANIC_REBOOT;
  }
  const parity = findings.find((f) => f.source === 'parity' && typeof f.expected === 'string');
  return parity ? normalizeSysctlValue(parity.expected as string) : undefined;
}

/** A value with a newline or other control character would break the sysctl.d line: refused. */
function hasControlCharacter(value: string): boolean {
  return [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

function basenameOf(source: string): string {
  const file = source.replace(/:\d+$/, '');
  return file.slice(file.lastIndexOf('/') + 1);
}

/** The file:line that would still win over driftguard's file with another value, if any. */
function laterOverride(state: SysctlsState | undefined, key: string, value: string): string | undefined {
  const winner = state ? persistedFor(state, key) : undefined;
  if (!winner || normalizeSysctlValue(winner.value) === value) return undefined;
  const name = basenameOf(winner.source);
  return name > MANAGED_SYSCTL_BASENAME ? winner.source : undefined;
}

function planKey(key: string, findings: SourcedFinding[], ctx: NodeFixContext): FixDraft[] {
  const node = ctx.node;
  const problem = checkSysctlKey(key.replace(/\*/g, 'x'));
  if (problem) return [refusedName('sysctls', key, 'sysctl key', problem, findings)];
  const entry = ctx.state.sysctls ? persistedFor(ctx.state.sysctls, key) : undefined;
  const drafts: FixDraft[] = adviceIfAny(
    'sysctls',
    key,
    `${key} is set only on ${node}${entry ? ` (${entry.source})` : ''}: remove it there, set it on the primary too, or add it to the pair's ignore list`,
    "driftguard never edits someone else's sysctl file",
    findings.filter((f) => f.side === 'only-second'),
  );
  // With no other finding, nothing below is planned: no value is missing live, set live or persisted.
  const rest = findings.filter((f) => f.side !== 'only-second');
  const value = wantedValue(key, rest, ctx);
  if (value === undefined || hasControlCharacter(value)) return drafts;
  const line = `${key} = ${value}`;
  const missingLive = rest.filter((f) => f.aspect === 'live' && f.kind === 'missing');
  if (missingLive.length > 0) {
    drafts.push(
      advice(
        'sysctls',
        key,
        `${key} does not exist in the running kernel of ${node}: load the module that provides it, then set ${line}`,
        'a kernel module is for a person to load',
        missingLive,
      ),
    );
  }
  const live = rest.filter((f) => f.aspect === 'live' && f.kind !== 'missing' && !key.includes('*'));
  const persisted = rest.filter((f) => f.aspect !== 'live');
  const override = persisted.length > 0 ? laterOverride(ctx.state.sysctls, key, value) : undefined;
  const commands = live.length > 0 ? [['sysctl', '-w', `${key}=${value}`]] : [];
  const persist = persisted.length > 0 && override === undefined;
  if (commands.length > 0 || persist) {
    const both = commands.length > 0 && persist;
    drafts.push({
      category: 'sysctls',
      key,
      action: 'change',
      description: `set ${line} on ${node}${both ? ', live and persisted' : persist ? `, persisted in ${MANAGED_SYSCTL_FILE}` : ' live'}`,
      commands,
      edits: persist ? [{ kind: 'sysctl-set', key, value }] : [],
      addresses: fingerprints(persist ? [...live, ...persisted] : live),
    });
  }
  if (override !== undefined) {
    drafts.push({
      ...advice(
        'sysctls',
        key,
        `${override} sets ${key} otherwise and is read after ${MANAGED_SYSCTL_FILE}: change that line to ${value} or remove it, on ${node}`,
        "driftguard never edits someone else's sysctl file",
        persisted,
      ),
      part: 'persisted',
    });
  }
  return drafts;
}

export const sysctlsFixer: CategoryFixer = {
  category: 'sysctls',
  plan: (findings, ctx) => perKey(findings, (key, group) => planKey(key, group, ctx)),
};
