// Job and CronJob validation and the cron schedule parser, table-driven.

import { cronMatches, parseCronSchedule } from './cron';
import { expectProblems, problems, type Obj } from './testing';

const template = (spec: Obj = {}): Obj => ({ spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1' }], ...spec } });
const job = (spec: Obj = {}, meta: Obj = {}): Obj => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi', namespace: 'default', uid: 'u-1', ...meta },
  spec: { template: template(), ...spec },
});
const cron = (spec: Obj = {}, meta: Obj = {}): Obj => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'tick', namespace: 'default', ...meta },
  spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template() } }, ...spec },
});

describe('Job', () => {
  it.each<[string, Obj]>([
    ['a job with a generated selector', job()],
    ['an Indexed job', job({ completionMode: 'Indexed', completions: 3, parallelism: 2 })],
    ['a manual selector', job({ manualSelector: true, selector: { matchLabels: { app: 'pi' } }, template: { metadata: { labels: { app: 'pi' } }, ...template() } })],
    ['OnFailure', job({ template: template({ restartPolicy: 'OnFailure' }) })],
  ])('accepts %s', (_name, object) => {
    expectProblems(problems(object), []);
  });

  it.each<[string, Obj, string[]]>([
    ['the default restartPolicy (Always)', job({ template: template({ restartPolicy: undefined }) }), ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']],
    ['negative counts', job({ parallelism: -1, completions: -2, backoffLimit: -3 }), ['spec.parallelism: Invalid value: -1: must be greater than or equal to 0', 'spec.completions: Invalid value: -2', 'spec.backoffLimit: Invalid value: -3']],
    ['Indexed without completions', job({ completionMode: 'Indexed', parallelism: 2 }), ['spec.completions: Required value: when completion mode is Indexed']],
    ['an unknown completionMode', job({ completionMode: 'Sometimes' }), ['spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"']],
    ['a manual selector that does not match', job({ manualSelector: true, selector: { matchLabels: { app: 'x' } } }), ['spec.template.metadata.labels: Invalid value: {}: `selector` does not match template `labels`']],
    ['manualSelector without selector', job({ manualSelector: true }), ['spec.selector: Required value']],
    ['a selector given without manualSelector', job({ selector: { matchLabels: { app: 'x' } } }), ['spec.template.metadata.labels: Invalid value: {', 'spec.selector: Invalid value: {"matchLabels":{"app":"x","batch.kubernetes.io/controller-uid":"u-1"}}: `selector` not auto-generated']],
    ['a name too long for the job-name label', job({}, { name: 'j'.repeat(64) }), ['spec.template.metadata.labels: Invalid value: "' + 'j'.repeat(64) + '": must be no more than 63 characters', 'spec.template.metadata.labels: Invalid value: "' + 'j'.repeat(64) + '": must be no more than 63 characters']],
    ['podFailurePolicy with OnFailure', job({ podFailurePolicy: { rules: [] }, template: template({ restartPolicy: 'OnFailure' }) }), ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified']],
  ])('refuses %s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });

  it('keeps selector, template and completions immutable on update', () => {
    const changed = job({ completions: 3, template: template({ containers: [{ name: 'c', image: 'busybox:2' }] }) });
    const got = problems(changed, job());
    expect(got).toEqual([expect.stringMatching(/^spec\.template: Invalid value: .*: field is immutable$/), 'spec.completions: Invalid value: 3: field is immutable']);
    expectProblems(problems(job({ ttlSecondsAfterFinished: 60 }), job()), []);
  });
});

describe('CronJob', () => {
  it.each<[string, Obj]>([
    ['every five minutes', cron()],
    ['a macro', cron({ schedule: '@hourly' })],
    ['names, ranges and steps', cron({ schedule: '0 9-17/2 1,15 jan-jun mon-fri' })],
    ['a time zone', cron({ timeZone: 'Europe/Paris' })],
    ['@every', cron({ schedule: '@every 1h30m' })],
  ])('accepts %s', (_name, object) => {
    expectProblems(problems(object), []);
  });

  it.each<[string, Obj, string[]]>([
    ['no schedule', cron({ schedule: '' }), ['spec.schedule: Required value']],
    ['too few fields', cron({ schedule: '* * *' }), ['spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]']],
    ['a minute out of range', cron({ schedule: '60 * * * *' }), ['spec.schedule: Invalid value: "60 * * * *": end of range (60) above maximum (59): 60']],
    ['a backwards range', cron({ schedule: '0 5-2 * * *' }), ['spec.schedule: Invalid value: "0 5-2 * * *": beginning of range (5) beyond end of range (2): 5-2']],
    ['a zero step', cron({ schedule: '*/0 * * * *' }), ['spec.schedule: Invalid value: "*/0 * * * *": step of range should be a positive number: */0']],
    ['an unknown name', cron({ schedule: '0 0 * foo *' }), ['spec.schedule: Invalid value: "0 0 * foo *": failed to parse int from foo']],
    ['an unknown macro', cron({ schedule: '@fortnightly' }), ['spec.schedule: Invalid value: "@fortnightly": unrecognized descriptor: @fortnightly']],
    ['TZ in the schedule', cron({ schedule: 'TZ=UTC 0 * * * *' }), ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']],
    ['an unknown time zone', cron({ timeZone: 'Mars/Olympus_Mons' }), ['spec.timeZone: Invalid value: "Mars/Olympus_Mons": unknown time zone Mars/Olympus_Mons']],
    ['the Local time zone', cron({ timeZone: 'Local' }), ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']],
    ['a bad concurrencyPolicy', cron({ concurrencyPolicy: 'Sometimes' }), ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"']],
    ['negative history limits', cron({ successfulJobsHistoryLimit: -1 }), ['spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0']],
    ['a name over 52 characters', cron({}, { name: 'c'.repeat(53) }), ['metadata.name: Invalid value: "' + 'c'.repeat(53) + '": must be no more than 52 characters']],
    ['a job template with restartPolicy Always', cron({ jobTemplate: { spec: { template: template({ restartPolicy: 'Always' }) } } }), ['spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']],
    ['a manual selector in the job template', cron({ jobTemplate: { spec: { manualSelector: true, template: template() } } }), ['spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"']],
  ])('refuses %s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });
});

describe('parseCronSchedule', () => {
  const at = (minute: number, hour: number, dayOfMonth: number, month: number, dayOfWeek: number): Obj & { minute: number; hour: number; dayOfMonth: number; month: number; dayOfWeek: number } => ({ minute, hour, dayOfMonth, month, dayOfWeek });
  it.each<[string, ReturnType<typeof at>, boolean]>([
    ['*/15 * * * *', at(30, 3, 1, 1, 0), true],
    ['*/15 * * * *', at(31, 3, 1, 1, 0), false],
    ['0 9-17 * * mon-fri', at(0, 12, 10, 6, 3), true],
    ['0 9-17 * * MON-FRI', at(0, 12, 10, 6, 6), false],
    ['@daily', at(0, 0, 5, 5, 2), true],
    ['@hourly', at(0, 7, 5, 5, 2), true],
    ['@weekly', at(0, 0, 5, 5, 2), false],
    ['0 0 13 * 5', at(0, 0, 13, 2, 1), true],
    ['0 0 13 * 5', at(0, 0, 14, 2, 5), true],
    ['0 0 13 * 5', at(0, 0, 14, 2, 4), false],
    ['0 0 * * 0', at(0, 0, 3, 3, 0), true],
    ['5/20 * * * *', at(45, 1, 1, 1, 1), true],
    ['0 0 1 dec ?', at(0, 0, 1, 12, 4), true],
  ])('%s at %j → %p', (spec, time, want) => {
    expect(cronMatches(parseCronSchedule(spec), time)).toBe(want);
  });

  it('parses @every as an interval', () => {
    expect(parseCronSchedule('@every 1h30m')).toEqual({ kind: 'every', seconds: 5400 });
    expect(() => parseCronSchedule('@every soon')).toThrow('failed to parse duration @every soon');
    expect(() => parseCronSchedule('')).toThrow('empty spec string');
    expect(() => parseCronSchedule('1-2-3 * * * *')).toThrow('too many hyphens: 1-2-3');
    expect(() => parseCronSchedule('0 0 * * 7')).toThrow('end of range (7) above maximum (6): 7');
  });
});
