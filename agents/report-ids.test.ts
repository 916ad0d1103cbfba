import { nextRunId, parseReportId, reportIdOf } from './report-ids';

describe('report ids', () => {
  const at = (iso: string) => new Date(iso);

  it('sort in collection order: by run start, then by number within the run', () => {
    const early = nextRunId(at('2026-11-22T10:00:00Z'), []);
    const late = nextRunId(at('2026-11-22T10:00:00.001Z'), []);
    const ids = [reportIdOf(late, 1), reportIdOf(early, 10), reportIdOf(early, 9), reportIdOf(early, 100)];
    expect([...ids].sort()).toEqual([
      reportIdOf(early, 9),
      reportIdOf(early, 10),
      reportIdOf(early, 100),
      reportIdOf(late, 1),
    ]);
  });

  it('sort correctly across the whole range of the time field', () => {
    const times = [
      '1970-01-01T00:00:00Z',
      '2001-09-09T01:46:40Z',
      '2026-11-22T10:00:00Z',
      '2286-11-20T17:46:40Z',
      '4000-01-01T00:00:00Z',
    ];
    const ids = times.map((t) => reportIdOf(nextRunId(at(t), []), 1));
    expect([...ids].sort()).toEqual(ids);
  });

  it('start after every spooled run even when the clock went back', () => {
    const before = reportIdOf(nextRunId(at('2026-11-22T10:00:00Z'), []), 7);
    const after = nextRunId(at('2026-01-01T00:00:00Z'), [before]);
    expect(reportIdOf(after, 1) > before).toBe(true);
    expect(parseReportId(reportIdOf(after, 1))?.startedAt).toBe(Date.parse('2026-11-22T10:00:00Z') + 1);
  });

  it('start now when every spooled run started earlier, whatever order the spool lists them in', () => {
    const now = at('2026-11-22T10:00:00Z');
    const older = reportIdOf(nextRunId(at('2026-11-22T09:00:00Z'), []), 3);
    const later = reportIdOf(nextRunId(at('2026-11-22T11:00:00Z'), []), 1);
    expect(parseReportId(reportIdOf(nextRunId(now, [older]), 1))?.startedAt).toBe(now.getTime());
    // An earlier run listed after a later one does not pull the start back below the later one.
    expect(parseReportId(reportIdOf(nextRunId(now, [later, older]), 1))?.startedAt).toBe(
      Date.parse('2026-11-22T11:00:00Z') + 1,
    );
  });

  it('differ between runs started at the same millisecond', () => {
    const now = at('2026-11-22T10:00:00Z');
    const runs = new Set(Array.from({ length: 200 }, () => nextRunId(now, [])));
    expect(runs.size).toBe(200);
  });

  it('parse back, and say nothing of ids made elsewhere', () => {
    const run = nextRunId(at('2026-11-22T10:00:00Z'), []);
    expect(parseReportId(reportIdOf(run, 42))).toEqual({
      runId: run,
      startedAt: Date.parse('2026-11-22T10:00:00Z'),
      seq: 42,
    });
    expect(parseReportId('pypi-2-1')).toBeUndefined();
    expect(nextRunId(at('2026-11-22T10:00:00Z'), ['pypi-2-1'])).toMatch(/^[0-9a-z]{19}$/);
    expect(() => reportIdOf('nope', 1)).toThrow('not a run id: nope');
  });

  it('match the report schema pattern', () => {
    expect(reportIdOf(nextRunId(new Date(), []), 99_999_999)).toMatch(/^[A-Za-z0-9._:@-]{1,128}$/);
  });
});
