// batch/v1 validation: Job (counts, completion mode, restartPolicy OnFailure|Never, the generated
// selector, immutable selector/template/completions on update) and CronJob (schedule, time zone,
// concurrency policy, history limits, the job template, a name short enough for its jobs).

import type { FieldError } from '../../errors';
import { JOB_LABELS } from '../defaults';
import { labelSelectorAsSelector } from '../selectors';
import { validateLabelSelector } from './labels';
import type { LabelSelector } from '../core';
import type { KubeObject } from '../types';
import { parseCronSchedule } from './cron';
import { forbidden, immutable, invalid, isObject, nonNegative, notSupported, obj, oneOf, requiredOneOf, required, str, type Json } from './field';
import { validateTemplateMeta } from './meta';
import { validatePodTemplate } from './workloads';

function validateJobSpec(spec: Json, path: string, requireSelector: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    errs.push(...nonNegative(`${path}.${f}`, spec[f]));
  }
  errs.push(...oneOf(`${path}.completionMode`, spec.completionMode, ['NonIndexed', 'Indexed']));
  if (spec.completionMode === 'Indexed' && (spec.completions === undefined || spec.completions === null)) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
  if (spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null && spec.completionMode !== 'Indexed') errs.push(forbidden(`${path}.backoffLimitPerIndex`, 'requires indexed completion mode'));
  errs.push(...oneOf(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, ['TerminatingOrFailed', 'Failed']));
  if (spec.selector === undefined || spec.selector === null) {
    if (requireSelector) errs.push(required(`${path}.selector`));
  } else errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  errs.push(...validatePodTemplate(spec.template, { path: `${path}.template`, selector: spec.selector }));
  const policy = obj(obj(spec.template).spec).restartPolicy;
  if (isObject(spec.template) && policy !== 'OnFailure' && policy !== 'Never') {
    errs.push(notSupported(`${path}.template.spec.restartPolicy`, policy ?? '', ['OnFailure', 'Never']));
  } else if (isObject(spec.podFailurePolicy) && policy !== 'Never') {
    errs.push(invalid(`${path}.template.spec.restartPolicy`, policy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

/** Unless manualSelector, the selector and template labels must be the generated ones. */
function validateGeneratedSelector(o: KubeObject, spec: Json): FieldError[] {
  if (spec.manualSelector === true) return [];
  const uid = o.metadata.uid;
  if (!uid) return [required('metadata.uid')];
  const errs: FieldError[] = [];
  const labels = obj(obj(obj(spec.template).metadata).labels);
  const expected: [string, string][] = [[JOB_LABELS.legacyControllerUid, uid], [JOB_LABELS.legacyJobName, o.metadata.name ?? '']];
  for (const [key, want] of expected) {
    if (labels[key] === undefined) errs.push(required('spec.template.metadata.labels', `must be '${key}=${want}'`));
    else if (labels[key] !== want) errs.push(invalid('spec.template.metadata.labels', labels[key], `must be '${key}=${want}'`));
  }
  if (isObject(spec.selector) && validateLabelSelector(spec.selector, 'spec.selector').length === 0) {
    if (!labelSelectorAsSelector(spec.selector as LabelSelector).matches({ [JOB_LABELS.controllerUid]: uid })) {
      errs.push(invalid('spec.selector', spec.selector, '`selector` not auto-generated'));
    }
  }
  return errs;
}

export function validateJob(o: KubeObject, old: KubeObject | undefined): FieldError[] {
  const spec = obj(o.spec);
  const errs = [...validateJobSpec(spec, 'spec', true), ...validateGeneratedSelector(o, spec)];
  if (old) {
    const before = obj(old.spec);
    for (const f of ['selector', 'template', 'completions', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex']) {
      errs.push(...immutable(`spec.${f}`, spec[f], before[f]));
    }
  }
  return errs;
}

/** Kubernetes' validateTimeZone, with the IANA database of the JS runtime (Intl) for LoadLocation. */
export function validateTimeZone(tz: unknown, path: string): FieldError[] {
  if (tz === undefined || tz === null) return [];
  if (typeof tz !== 'string' || tz === '') return [invalid(path, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) return [invalid(path, tz, `unknown time zone ${tz}`)];
  }
  if (tz.toLowerCase() === 'local') return [invalid(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    return [invalid(path, tz, `unknown time zone ${tz}`)];
  }
  return [];
}

export function validateCronJob(o: KubeObject, old: KubeObject | undefined): FieldError[] {
  const spec = obj(o.spec);
  const oldSpec = old ? obj(old.spec) : undefined;
  const errs: FieldError[] = [];
  const name = o.metadata.name ?? '';
  if (name.length > 52) errs.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
  const schedule = spec.schedule;
  if (typeof schedule !== 'string' || schedule === '') errs.push(required('spec.schedule'));
  else {
    try {
      parseCronSchedule(schedule);
    } catch (err) {
      errs.push(invalid('spec.schedule', schedule, (err as Error).message));
    }
    const tzAllowed = str(oldSpec?.schedule).includes('TZ');
    if (schedule.includes('TZ') && !tzAllowed) errs.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    else if (schedule.includes('TZ') && spec.timeZone !== undefined) errs.push(invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  }
  if (!oldSpec || oldSpec.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone, 'spec.timeZone'));
  errs.push(...nonNegative('spec.startingDeadlineSeconds', spec.startingDeadlineSeconds));
  errs.push(...requiredOneOf('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
  errs.push(...nonNegative('spec.successfulJobsHistoryLimit', spec.successfulJobsHistoryLimit), ...nonNegative('spec.failedJobsHistoryLimit', spec.failedJobsHistoryLimit));
  const jobTemplate = spec.jobTemplate;
  if (!isObject(jobTemplate)) errs.push(required('spec.jobTemplate'));
  else {
    errs.push(...validateTemplateMeta(jobTemplate.metadata, 'spec.jobTemplate.metadata'));
    const jobSpec = obj(jobTemplate.spec);
    errs.push(...validateJobSpec(jobSpec, 'spec.jobTemplate.spec', false));
    if (jobSpec.manualSelector === true) errs.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  }
  return errs;
}
