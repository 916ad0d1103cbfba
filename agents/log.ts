/**
 * The agent's log: one JSON line per event (pino), on stderr, which systemd puts in the journal.
 * The agent's core takes this small interface rather than pino itself, so tests and the server's
 * in-process agent can hand it their own logger.
 */
import pino from 'pino';

export type LogFields = Record<string, unknown>;

export interface AgentLog {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function createAgentLogger(level: string): AgentLog {
  // Synchronous writes: a line logged just before the process exits (a refused start, SIGTERM)
  // must not be lost in a buffer. The agent logs a few lines a minute at most.
  return pino({ level, base: { component: 'agent' } }, pino.destination({ fd: 2, sync: true }));
}

export const silentLog: AgentLog = { debug() {}, info() {}, warn() {}, error() {} };
