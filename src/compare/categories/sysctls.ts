import picomatch from 'picomatch';
import { isSysctlGlob } from '../../collect/sysctls/parse';
import type { Finding } from '../../model/finding';
import type { PersistedSysctl, SysctlsState } from '../../model/state';
import { finding, keyedParity, sideName } from '../findings';
import type { CategoryComparator, ParityContext } from '../types';

/**
 * Live values the kernel computes at boot from the machine's memory or CPU count. Between two
 * nodes of different size they differ by construction; unless an operator persisted one, that
 * difference is a consequence of capacity (compared by its own check), not configuration drift,
 * so it is reported as information.
 */
const SCALES_WITH_HARDWARE = new Set([
  'fs.epoll.max_user_watches',
  'fs.file-max',
  'fs.inotify.max_user_watches',
  'kernel.pid_max',
  'kernel.threads-max',
  'net.core.netdev_max_backlog',
  'net.ipv4.tcp_max_orphans',
  'net.ipv4.tcp_max_syn_backlog',
  'net.ipv4.tcp_max_tw_buckets',
  'net.ipv4.tcp_mem',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.udp_mem',
  'net.netfilter.nf_conntrack_buckets',
  'net.netfilter.nf_conntrack_max',
  'net.nf_conntrack_max',
  'vm.admin_reserve_kbytes',
  'vm.min_free_kbytes',
  'vm.user_reserve_kbytes',
  'vm.watermark_boost_factor',
]);

/** The kernel prints multi-value sysctls with tabs; compare with whitespace runs collapsed. */
export function normalizeSysctlValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/**
 * The persisted entry that applies to a key: the exact key, or a glob entry
 * (`net.ipv4.conf.*.rp_filter`, supported by systemd-sysctl since 249; `*?[` make a glob, as
 * for the collector) that matches it.
 */
export function persistedFor(state: SysctlsState, key: string): PersistedSysctl | undefined {
  const exact = state.persisted[key];
  if (exact) return exact;
  for (const [pattern, entry] of Object.entries(state.persisted)) {
    // glob(3) without GLOB_PERIOD, as systemd-sysctl calls it: no wildcard matches a leading dot.
    if (isSysctlGlob(pattern) && picomatch.isMatch(procSysPath(key), procSysPath(pattern), { dot: false }))
      return entry;
  }
  return undefined;
}

/**
 * A key as the path under /proc/sys that systemd-sysctl globs: `net.ipv4.conf.eth0/100.rp_filter`
 * is `net/ipv4/conf/eth0.100/rp_filter`, so `*` matches the whole interface name `eth0.100`.
 */
function procSysPath(key: string): string {
  return key.replace(/[./]/g, (separator) => (separator === '.' ? '/' : '.'));
}

export const sysctlsComparator: CategoryComparator<'sysctls'> = {
  category: 'sysctls',
  hasRules: (spec) => Object.keys(spec.sysctls).length > 0,

  drift(spec, state) {
    const findings: Finding[] = [];
    for (const [key, rule] of Object.entries(spec.sysctls)) {
      const wanted = normalizeSysctlValue(rule.value);
      const live = state.live[key];
      if (live === undefined) {
        findings.push(
          finding({
            category: 'sysctls',
            key,
            kind: 'missing',
            aspect: 'live',
            expected: wanted,
            message: `${key} does not exist in the running kernel (desired ${wanted})`,
          }),
        );
      } else if (normalizeSysctlValue(live) !== wanted) {
        findings.push(
          finding({
            category: 'sysctls',
            key,
            kind: 'mismatch',
            aspect: 'live',
            expected: wanted,
            actual: live,
            message: `${key} is ${live} live, desired ${wanted}`,
          }),
        );
      }
      const persisted = persistedFor(state, key);
      if (persisted === undefined) {
        findings.push(
          finding({
            category: 'sysctls',
            key,
            kind: 'not-persisted',
            aspect: 'persisted',
            expected: wanted,
            message: `${key} = ${wanted} is not persisted: no sysctl.d file sets it, so a reboot loses it`,
          }),
        );
      } else if (normalizeSysctlValue(persisted.value) !== wanted) {
        findings.push(
          finding({
            category: 'sysctls',
            key,
            kind: 'not-persisted',
            aspect: 'persisted',
            expected: wanted,
            actual: persisted.value,
            message: `${key} is persisted as ${persisted.value} by ${persisted.source}, desired ${wanted}`,
          }),
        );
      }
    }
    return findings;
  },

  parity(first, second, ctx) {
    const setByOperator = (key: string) =>
      persistedFor(first, key) !== undefined || persistedFor(second, key) !== undefined;
    return [
      ...parityOfAspect('live', first.live, second.live, ctx).map((result) =>
        result.kind === 'mismatch' && SCALES_WITH_HARDWARE.has(result.key) && !setByOperator(result.key)
          ? {
              ...result,
              severity: 'info' as const,
              message: `${result.message} — a kernel default that scales with memory or CPUs (see capacity)`,
            }
          : result,
      ),
      ...parityOfAspect('persisted', persistedValues(first), persistedValues(second), ctx, {
        first: first.persisted,
        second: second.persisted,
      }),
    ];
  },
};

function persistedValues(state: SysctlsState): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, entry] of Object.entries(state.persisted)) values[key] = entry.value;
  return values;
}

/** One aspect (live or persisted) of sysctl parity; `sources` adds file:line to messages. */
function parityOfAspect(
  aspect: 'live' | 'persisted',
  first: Record<string, string>,
  second: Record<string, string>,
  ctx: ParityContext,
  sources?: { first: Record<string, PersistedSysctl>; second: Record<string, PersistedSysctl> },
): Finding[] {
  const withSource = (value: string, entry: PersistedSysctl | undefined) =>
    entry ? `${value} (${entry.source})` : value;
  return keyedParity('sysctls', first, second, ctx, {
    aspect,
    describe: (key, value, side) => `${key} (${aspect}) = ${withSource(value, sources?.[side][key])}`,
    recorded: (value) => normalizeSysctlValue(value),
    compare(key, a, b) {
      if (normalizeSysctlValue(a) === normalizeSysctlValue(b)) return [];
      return [
        finding({
          category: 'sysctls',
          key,
          kind: 'mismatch',
          side: 'different',
          aspect,
          expected: normalizeSysctlValue(a),
          actual: normalizeSysctlValue(b),
          message: `${key} ${aspect} differs: ${withSource(a, sources?.first[key])} on ${sideName(ctx.sides.first)}, ${withSource(b, sources?.second[key])} on ${sideName(ctx.sides.second)}`,
        }),
      ];
    },
  });
}
