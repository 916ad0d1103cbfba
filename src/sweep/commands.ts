/**
 * The commands a sweep may run on a node: exactly the argv arrays the collectors give their
 * CommandRunner, each under a fixed id. The remote script holds this table as constant text
 * (built from these arrays at load time); a request names an id, never a command line.
 */
import { LIST_UNITS_ARGV } from '../collect/units/active-state';
import { RPM_QUERY_ARGV } from '../collect/packages/parse-rpm';
import { DRBD_STATUS_ARGV } from '../collect/replication/collect';

/** The os collector asks `uname -m` when proc/sys/kernel/arch is missing (kernels before 6.1). */
export const UNAME_MACHINE_ARGV: readonly string[] = ['uname', '-m'];

export const SWEEP_COMMANDS = {
  'uname-m': UNAME_MACHINE_ARGV,
  'list-units': LIST_UNITS_ARGV,
  'drbd-status': DRBD_STATUS_ARGV,
  'rpm-query': RPM_QUERY_ARGV,
} as const satisfies Record<string, readonly string[]>;

export type CommandId = keyof typeof SWEEP_COMMANDS;

export const COMMAND_IDS = Object.keys(SWEEP_COMMANDS) as CommandId[];

/** The id of a collector's argv, or undefined when the sweep has no such command. */
export function commandIdOf(argv: readonly string[]): CommandId | undefined {
  return COMMAND_IDS.find((id) => {
    const known: readonly string[] = SWEEP_COMMANDS[id];
    return known.length === argv.length && known.every((word, index) => argv[index] === word);
  });
}
