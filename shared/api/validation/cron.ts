// The CronJob schedule syntax Kubernetes accepts (robfig/cron's standard parser): five fields
// (minute hour day-of-month month day-of-week) with *, ?, lists, ranges, steps and month/day names,
// or a descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <dur>).
// Parse errors carry robfig's wording, which kube-apiserver returns.

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: Bounds[] = [{ min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, { min: 1, max: 12, names: MONTHS }, { min: 0, max: 6, names: DAYS }];
/** The @nicknames a schedule may use, as five fields. */
export const CRON_NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** One field: the allowed values, and whether it was `*`/`?` (which changes day matching). */
export interface CronField {
  values: ReadonlySet<number>;
  star: boolean;
}

export type CronSchedule =
  | { kind: 'fields'; minute: CronField; hour: CronField; dayOfMonth: CronField; month: CronField; dayOfWeek: CronField }
  /** `@every <duration>`: a constant interval. */
  | { kind: 'every'; seconds: number };

function parseInt10(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function intOrName(expr: string, b: Bounds): number {
  const named = b.names?.[expr.toLowerCase()];
  return named ?? parseInt10(expr);
}

function parseRange(expr: string, b: Bounds, into: Set<number>): boolean {
  const rangeAndStep = expr.split('/');
  const lowHigh = (rangeAndStep[0] ?? '').split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowHigh[0] === '*' || lowHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = intOrName(lowHigh[0] ?? '', b);
    if (lowHigh.length === 1) end = start;
    else if (lowHigh.length === 2) end = intOrName(lowHigh[1] ?? '', b);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseInt10(rangeAndStep[1] ?? '');
    if (lowHigh.length === 1) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) throw new Error(`too many slashes: ${expr}`);
  if (start < b.min) throw new Error(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new Error(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.add(v);
  return star;
}

function parseField(field: string, b: Bounds): CronField {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(',').filter((e) => e !== '')) star = parseRange(expr, b, values) || star;
  return { values, star };
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go's time.ParseDuration, in seconds ("1h30m", "90s", "1.5h"). */
function parseDuration(s: string): number {
  const m = /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$/.test(s) || s === '0';
  if (!m) throw new Error(`time: invalid duration ${JSON.stringify(s)}`);
  let total = 0;
  for (const part of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * (DURATION_UNITS[part[2] ?? 's'] ?? 1);
  return s.startsWith('-') ? -total : total;
}

/**
 * Parses a CronJob schedule. Throws an Error with robfig/cron's message ("expected exactly 5
 * fields, found 1: [bad]", "end of range (60) above maximum (59): 60", …). A leading TZ=/CRON_TZ=
 * is skipped here (validation refuses it separately, as Kubernetes does). Pure.
 */
export function parseCronSchedule(spec: string): CronSchedule {
  let s = spec;
  if (s.length === 0) throw new Error('empty spec string');
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) s = s.slice(s.indexOf(' ') + 1).trim();
  if (s.startsWith('@')) {
    if (s.startsWith('@every ')) {
      try {
        return { kind: 'every', seconds: parseDuration(s.slice('@every '.length)) };
      } catch (err) {
        throw new Error(`failed to parse duration ${s}: ${(err as Error).message}`);
      }
    }
    const expanded = CRON_NICKNAMES[s];
    if (!expanded) throw new Error(`unrecognized descriptor: ${s}`);
    s = expanded;
  }
  const fields = s.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields.map((f, i) => parseField(f, FIELDS[i] ?? { min: 0, max: 0 }));
  if (!minute || !hour || !dayOfMonth || !month || !dayOfWeek) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return { kind: 'fields', minute, hour, dayOfMonth, month, dayOfWeek };
}

/**
 * Does a five-field schedule fire at this wall-clock minute? Day-of-month and day-of-week combine
 * as in cron: when either is `*` both must match, otherwise either may. `@every` never "matches"
 * a wall-clock minute (it is an interval).
 */
export function cronMatches(schedule: CronSchedule, t: { minute: number; hour: number; dayOfMonth: number; month: number; dayOfWeek: number }): boolean {
  if (schedule.kind !== 'fields') return false;
  if (!schedule.minute.values.has(t.minute) || !schedule.hour.values.has(t.hour) || !schedule.month.values.has(t.month)) return false;
  const dom = schedule.dayOfMonth.values.has(t.dayOfMonth);
  const dow = schedule.dayOfWeek.values.has(t.dayOfWeek);
  return schedule.dayOfMonth.star || schedule.dayOfWeek.star ? dom && dow : dom || dow;
}
