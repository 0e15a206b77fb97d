// CronSchedule: next and previous scheduled minutes in a time zone (including DST changes),
// Kubernetes' day-of-month OR day-of-week rule, nicknames, and refusals that name the bad value.

import { CronSchedule } from './schedule';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('CronSchedule', () => {
  const made: CronSchedule[] = [];
  const schedule = (expr: string, tz?: string): CronSchedule => {
    const s = new CronSchedule(expr, tz);
    made.push(s);
    return s;
  };
  afterAll(() => made.forEach((s) => s.dispose()));

  it.each([
    ['*/15 * * * *', 'UTC', '2025-06-01T12:07:30Z', '2025-06-01T12:15:00.000Z'],
    ['0 3 * * *', 'Europe/Berlin', '2025-06-01T12:00:00Z', '2025-06-02T01:00:00.000Z'],
    ['0 3 * * *', 'America/New_York', '2025-01-10T12:00:00Z', '2025-01-11T08:00:00.000Z'],
    ['@hourly', 'UTC', '2025-06-01T12:00:00Z', '2025-06-01T13:00:00.000Z'],
    ['0 0 29 2 *', 'UTC', '2025-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    // Kubernetes ORs a restricted day-of-month with a restricted day-of-week: the 1st OR Monday.
    ['0 0 1 * MON', 'UTC', '2025-06-01T00:00:00Z', '2025-06-02T00:00:00.000Z'],
    ['0 0 1 * MON', 'UTC', '2025-06-28T00:00:00Z', '2025-06-30T00:00:00.000Z'],
    // 02:30 does not exist on 2025-03-30 in Berlin (clocks jump 02:00 → 03:00): skipped.
    ['30 2 * * *', 'Europe/Berlin', '2025-03-29T02:00:00Z', '2025-03-31T00:30:00.000Z'],
  ])('%s in %s after %s is %s', (expr, tz, after, want) => {
    expect(iso(schedule(expr, tz).next(at(after)))).toBe(want);
  });

  it.each([
    ['*/15 * * * *', '2025-06-01T12:07:30Z', '2025-06-01T00:00:00Z', '2025-06-01T12:00:00.000Z'],
    ['0 3 * * *', '2025-06-05T00:00:00Z', '2025-06-01T00:00:00Z', '2025-06-04T03:00:00.000Z'],
    ['0 3 * * *', '2025-06-05T00:00:00Z', '2025-06-04T03:00:00Z', undefined],
    ['0 0 1 1 *', '2027-06-01T00:00:00Z', '2025-01-01T00:00:00Z', '2027-01-01T00:00:00.000Z'],
  ])('the most recent %s at or before %s and after %s is %s', (expr, now, notBefore, want) => {
    expect(iso(schedule(expr, 'UTC').previous(at(now), at(notBefore)))).toBe(want);
  });

  it.each([
    ['61 * * * *', undefined, /unparseable schedule "61 \* \* \* \*"/],
    ['* * * * * *', undefined, /must have 5 fields/],
    ['0 0 * * *', 'Mars/Olympus_Mons', /unknown time zone "Mars\/Olympus_Mons"/],
  ])('refuses %s (tz %s)', (expr, tz, message) => {
    expect(() => schedule(expr, tz)).toThrow(message);
  });
});
