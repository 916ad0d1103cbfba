/** An agent log that keeps its lines, for tests that assert what the agent said. */
import type { AgentLog, LogFields } from '../../agents/log';

export class MemoryLog implements AgentLog {
  readonly lines: { level: string; fields: LogFields; message: string }[] = [];
  debug = (fields: LogFields, message: string) => void this.lines.push({ level: 'debug', fields, message });
  info = (fields: LogFields, message: string) => void this.lines.push({ level: 'info', fields, message });
  warn = (fields: LogFields, message: string) => void this.lines.push({ level: 'warn', fields, message });
  error = (fields: LogFields, message: string) => void this.lines.push({ level: 'error', fields, message });

  /** `level message` of every line. */
  get said(): string[] {
    return this.lines.map((line) => `${line.level} ${line.message}`);
  }

  /** The messages logged at `level`. */
  at(level: string): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message);
  }

  clear(): void {
    this.lines.length = 0;
  }
}
