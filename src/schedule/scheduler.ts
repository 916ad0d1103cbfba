/**
 * The server's cron: one node-cron task per `kind: Schedule` of the desired state, replaced
 * whenever the desired state changes. A run never overlaps the previous run of the same
 * schedule; the last run of each is kept for the API.
 */
import cron from 'node-cron';
import type { Desired } from '../model/desired';
import { errorMessage } from '../shared/errors';
import type { ScheduleRun, ScheduleRunDeps } from './run-schedule';
import { runSchedule } from './run-schedule';

export interface SchedulerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export class Scheduler {
  private tasks: { stop(): unknown }[] = [];
  private readonly running = new Set<string>();
  private readonly lastRuns = new Map<string, ScheduleRun>();
  private desired: Desired | undefined;

  /**
   * `active`: whether this instance runs the schedules now — on PostgreSQL several instances
   * share one store, and only the holder of the schedules' lease does (a run asked for through
   * the API runs wherever it is asked).
   */
  constructor(
    private readonly deps: ScheduleRunDeps,
    private readonly log: SchedulerLog,
    private readonly active: () => boolean = () => true,
  ) {}

  /** (Re)creates the tasks for this desired state's schedules. */
  load(desired: Desired): void {
    this.stop();
    this.desired = desired;
    for (const schedule of Object.values(desired.schedules)) {
      this.tasks.push(
        cron.schedule(schedule.cron, () => {
          if (this.active()) void this.runNow(schedule.name);
        }),
      );
    }
  }

  /** Runs a schedule of the current desired state now (the cron does this; tests and the API too). */
  async runNow(name: string): Promise<ScheduleRun | undefined> {
    const desired = this.desired;
    const schedule = desired?.schedules[name];
    if (!desired || !schedule) return undefined;
    if (this.running.has(name)) {
      this.log.warn({ schedule: name }, 'schedule still running from its last time: this run is skipped');
      return undefined;
    }
    this.running.add(name);
    try {
      const run = await runSchedule(desired, schedule, this.deps);
      this.lastRuns.set(name, run);
      const level = run.failed.length > 0 || (run.run && run.run.status !== 'succeeded') ? 'warn' : 'info';
      this.log[level](
        { schedule: name, reached: run.reached, failed: run.failed, notes: run.notes, run: run.run },
        'schedule ran',
      );
      return run;
    } catch (err) {
      this.log.error({ schedule: name, error: errorMessage(err) }, 'schedule failed');
      return undefined;
    } finally {
      this.running.delete(name);
    }
  }

  lastRun(name: string): ScheduleRun | undefined {
    return this.lastRuns.get(name);
  }

  stop(): void {
    for (const task of this.tasks) task.stop();
    this.tasks = [];
  }
}
