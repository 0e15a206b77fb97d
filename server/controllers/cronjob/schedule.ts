// A CronJob schedule: node-cron parses and matches the expression in the job's time zone; this
// file adds what node-cron does not do — finding the next and the most recent scheduled minute
// for any instant (missed runs, an injected clock) — and Kubernetes' (robfig/cron) rule that a
// restricted day-of-month and a restricted day-of-week are ORed ("0 0 1 * MON": the 1st and
// every Monday), where node-cron would AND them. Minute resolution, five fields, @nicknames.

import { createTask, parse, type ScheduledTask } from 'node-cron';
import { CRON_NICKNAMES } from '../../../shared/api/validation/cron';
import { FlotillaError } from '../../../shared/errors';

/** robfig/cron gives up after five years without a match; so do we. */
const MAX_DAYS = 366 * 5;
const DAY_MS = 86_400_000;

interface LocalTime {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

function localOf(ms: number, tz: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year ?? 0, mo: parts.month ?? 0, d: parts.day ?? 0, h: parts.hour ?? 0, mi: parts.minute ?? 0 };
}

/** The UTC instant of a local wall-clock minute; undefined when it does not exist (a DST gap). */
function utcOf(t: LocalTime, tz: string): number | undefined {
  const guess = Date.UTC(t.y, t.mo - 1, t.d, t.h, t.mi);
  const offsetAt = (ms: number): number => {
    const l = localOf(ms, tz);
    return Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi) - Math.floor(ms / 60_000) * 60_000;
  };
  let utc = guess - offsetAt(guess);
  const second = offsetAt(utc);
  if (guess - second !== utc) utc = guess - second;
  const back = localOf(utc, tz);
  return back.y === t.y && back.mo === t.mo && back.d === t.d && back.h === t.h && back.mi === t.mi ? utc : undefined;
}

/** The local calendar day `offset` days after (y, mo, d). */
function addDays(t: LocalTime, offset: number): LocalTime {
  const day = new Date(Date.UTC(t.y, t.mo - 1, t.d) + offset * DAY_MS);
  return { y: day.getUTCFullYear(), mo: day.getUTCMonth() + 1, d: day.getUTCDate(), h: 0, mi: 0 };
}

const isStar = (field: string): boolean => field === '*' || field === '?';

export function validTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export class CronSchedule {
  private readonly tasks: ScheduledTask[];
  private readonly hours: number[];
  private readonly minutes: number[];
  private readonly months: Set<number>;
  readonly timeZone: string;

  /** Throws FlotillaError Invalid naming the bad schedule or time zone. */
  constructor(schedule: string, timeZone?: string) {
    const tz = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!validTimeZone(tz)) throw new FlotillaError('Invalid', `unknown time zone ${JSON.stringify(tz)}`);
    const expr = CRON_NICKNAMES[schedule.trim()] ?? schedule.trim();
    const fields = expr.split(/\s+/);
    if (fields.length !== 5) throw new FlotillaError('Invalid', `schedule must have 5 fields (minute hour day-of-month month day-of-week) or be a @nickname: got ${JSON.stringify(schedule)}`);
    let parsed;
    try {
      parsed = parse(expr);
    } catch (err) {
      throw new FlotillaError('Invalid', `unparseable schedule ${JSON.stringify(schedule)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const [mi, h, dom, mo, dow] = fields as [string, string, string, string, string];
    // Both days restricted: either may match (two node-cron tasks, ORed).
    const exprs = !isStar(dom) && !isStar(dow) ? [`${mi} ${h} ${dom} ${mo} *`, `${mi} ${h} * ${mo} ${dow}`] : [expr];
    this.tasks = exprs.map((e) => createTask(e, () => undefined, { timezone: tz }));
    this.hours = [...parsed.hour].sort((a, b) => a - b);
    this.minutes = [...parsed.minute].sort((a, b) => a - b);
    this.months = new Set(parsed.month);
    this.timeZone = tz;
  }

  matches(ms: number): boolean {
    const at = new Date(Math.floor(ms / 60_000) * 60_000);
    return this.tasks.some((t) => t.match(at));
  }

  /** The first scheduled minute strictly after `afterMs`, or undefined within five years. */
  next(afterMs: number): number | undefined {
    const start = localOf(afterMs, this.timeZone);
    for (let i = 0; i < MAX_DAYS; i++) {
      const day = addDays(start, i);
      if (!this.months.has(day.mo)) continue;
      for (const h of this.hours) {
        if (i === 0 && h < start.h) continue;
        for (const mi of this.minutes) {
          if (i === 0 && h === start.h && mi < start.mi) continue;
          const utc = utcOf({ ...day, h, mi }, this.timeZone);
          if (utc !== undefined && utc > afterMs && this.matches(utc)) return utc;
        }
      }
    }
    return undefined;
  }

  /** The latest scheduled minute at or before `atMs` and after `notBeforeMs`, if any. */
  previous(atMs: number, notBeforeMs: number): number | undefined {
    const start = localOf(atMs, this.timeZone);
    const days = Math.min(MAX_DAYS, Math.ceil((atMs - notBeforeMs) / DAY_MS) + 2);
    for (let i = 0; i <= days; i++) {
      const day = addDays(start, -i);
      if (!this.months.has(day.mo)) continue;
      for (let hi = this.hours.length - 1; hi >= 0; hi--) {
        const h = this.hours[hi] ?? 0;
        if (i === 0 && h > start.h) continue;
        for (let mj = this.minutes.length - 1; mj >= 0; mj--) {
          const mi = this.minutes[mj] ?? 0;
          if (i === 0 && h === start.h && mi > start.mi) continue;
          const utc = utcOf({ ...day, h, mi }, this.timeZone);
          if (utc === undefined || utc > atMs) continue;
          if (utc <= notBeforeMs) return undefined;
          if (this.matches(utc)) return utc;
        }
      }
    }
    return undefined;
  }

  /** Releases the node-cron tasks (they are registered globally by node-cron). */
  dispose(): void {
    for (const t of this.tasks) void t.destroy();
  }
}
