import { validate } from 'node-cron';
import { checkCron } from './cron';

describe('checkCron', () => {
  it('accepts five-field expressions with ranges, steps, lists and names, as node-cron schedules them', () => {
    for (const expression of [
      '0 3 * * *',
      '*/15 * * * *',
      '0 0-6/2 * * 1-5',
      '5,35 9 1,15 * *',
      '0 3 * * mon-fri',
      '0 3 1 jan *',
      '0 0 * * 7',
      '  0 3 * * *  ',
      // node-cron takes runs of blanks between fields as one (and schedules it).
      '0  3 *   * *',
    ]) {
      // …and what loads, the scheduler takes (node-cron's validate is what its schedule() runs).
      expect([expression, checkCron(expression), validate(expression)]).toEqual([
        expression,
        undefined,
        true,
      ]);
    }
  });

  it('refuses out-of-range values, a zero step and impossible dates, with node-cron’s reason', () => {
    expect(checkCron('61 3 * * *')).toBe('61 is an invalid expression for minute');
    expect(checkCron('0 24 * * *')).toBe('24 is an invalid expression for hour');
    expect(checkCron('*/0 * * * *')).toBe('*/0 is an invalid expression for minute');
    expect(checkCron('0 0 31 2 *')).toBe('31 2 is an impossible day of month for the given month');
    expect(checkCron('0 0 * * 8')).toBe('8 is an invalid expression for week day');
  });

  it('gives every reason node-cron has, joined with `; `', () => {
    expect(checkCron('61 24 * * *')).toBe(
      '61 is an invalid expression for minute; 24 is an invalid expression for hour',
    );
  });

  it('refuses tabs between the fields, as node-cron does (it cannot schedule them)', () => {
    expect([checkCron('0\t3 * * *'), validate('0\t3 * * *')]).toEqual([
      'pattern includes illegal characters',
      false,
    ]);
  });

  it('wants exactly five fields: no seconds field, no macros, no shell', () => {
    expect(checkCron('0 3 * *')).toContain('`0 3 * *` has 4');
    expect(checkCron('0 0 3 * * *')).toContain('has 6');
    expect(checkCron('@daily')).toContain('has 1');
    expect(checkCron('')).toContain('has 0');
    expect(checkCron('0 3 * * *; reboot')).toContain('has 6');
  });
});
