// apps/v1 validation: Deployment, ReplicaSet and DaemonSet specs (selector required, non-empty and
// matching the template labels, replicas, rolling-update parameters, template restartPolicy Always)
// and their immutable selector; ControllerRevision (data required and immutable, revision ≥ 0). The pod template check is shared with batch.ts.

import type { FieldError } from '../../errors';
import type { LabelSelector } from '../core';
import { labelSelectorAsSelector } from '../selectors';
import { validateLabelSelector } from './labels';
import type { KubeObject } from '../types';
import { forbidden, immutable, invalid, isObject, nonNegative, notSupported, obj, oneOf, requiredOneOf, required, type Json } from './field';
import { validateTemplateMeta } from './meta';
import { validatePodSpec } from './pod-spec';

const PERCENT = /^[0-9]+%$/;
const PERCENT_MESSAGE = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** A pod template at `options.path`: metadata labels/annotations, spec, and labels `options.selector` (if any) must match. */
export function validatePodTemplate(template: unknown, options: { path: string; selector?: unknown }): FieldError[] {
  const { path, selector } = options;
  if (!isObject(template)) return [required(path)];
  const meta = obj(template.metadata);
  const errs = validateTemplateMeta(meta, `${path}.metadata`);
  if (isObject(selector) && validateLabelSelector(selector, 'selector').length === 0) {
    const sel = labelSelectorAsSelector(selector as LabelSelector);
    if (!sel.empty && !sel.matches(obj(meta.labels) as Record<string, string>)) {
      errs.push(invalid(`${path}.metadata.labels`, meta.labels ?? {}, '`selector` does not match template `labels`'));
    }
  }
  errs.push(...validatePodSpec(template.spec, `${path}.spec`));
  return errs;
}

/** selector required, valid and not empty ("empty selector is invalid for <what>"). */
function validateWorkloadSelector(selector: unknown, path: string, what: string): FieldError[] {
  if (selector === undefined || selector === null) return [required(path)];
  const errs = validateLabelSelector(selector, path);
  const s = obj(selector);
  if (Object.keys(obj(s.matchLabels)).length + (Array.isArray(s.matchExpressions) ? s.matchExpressions.length : 0) === 0) {
    errs.push(invalid(path, selector, `empty selector is invalid for ${what}`));
  }
  return errs;
}

/** Kubernetes' ValidatePositiveIntOrPercent. */
function intOrPercent(value: unknown, path: string): FieldError[] {
  if (typeof value === 'string') return PERCENT.test(value) ? [] : [invalid(path, value, PERCENT_MESSAGE)];
  if (typeof value === 'number') return nonNegative(path, value);
  return value === undefined ? [] : [invalid(path, value, "must be an integer or percentage (e.g '5%')")];
}

function intOrPercentValue(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'string' ? Number.parseInt(value, 10) || 0 : 0;
}

function notOver100(value: unknown, path: string): FieldError[] {
  return typeof value === 'string' && PERCENT.test(value) && intOrPercentValue(value) > 100 ? [invalid(path, value, 'must not be greater than 100%')] : [];
}

function validateTemplateForReplicas(spec: Json, path: string, owner: string): FieldError[] {
  const errs = validatePodTemplate(spec.template, { path: `${path}.template`, selector: spec.selector });
  const tspec = obj(obj(spec.template).spec);
  if (isObject(spec.template) && tspec.restartPolicy !== undefined && tspec.restartPolicy !== 'Always') {
    errs.push(notSupported(`${path}.template.spec.restartPolicy`, tspec.restartPolicy, ['Always']));
  }
  if (tspec.activeDeadlineSeconds !== undefined) errs.push(invalid(`${path}.template.spec.activeDeadlineSeconds`, tspec.activeDeadlineSeconds, `activeDeadlineSeconds in ${owner} is not Supported`));
  return errs;
}

function validateDeploymentStrategy(strategy: unknown, path: string): FieldError[] {
  const s = obj(strategy);
  if (s.type === 'Recreate') return s.rollingUpdate === undefined ? [] : [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")];
  if (s.type !== 'RollingUpdate') return requiredOneOf(`${path}.type`, s.type, ['Recreate', 'RollingUpdate']);
  if (!isObject(s.rollingUpdate)) return [required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
  const ru = s.rollingUpdate;
  const errs = [...intOrPercent(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`), ...intOrPercent(ru.maxSurge, `${path}.rollingUpdate.maxSurge`)];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(invalid(`${path}.rollingUpdate.maxUnavailable`, ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...notOver100(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`));
  return errs;
}

function validateDaemonSetStrategy(strategy: unknown, path: string): FieldError[] {
  const s = obj(strategy);
  if (s.type === 'OnDelete') return [];
  if (s.type !== 'RollingUpdate') return requiredOneOf(`${path}.type`, s.type, ['RollingUpdate', 'OnDelete']);
  if (!isObject(s.rollingUpdate)) return [required(`${path}.rollingUpdate`)];
  const ru = s.rollingUpdate;
  const at = `${path}.rollingUpdate`;
  const errs = [...intOrPercent(ru.maxUnavailable, `${at}.maxUnavailable`), ...intOrPercent(ru.maxSurge, `${at}.maxSurge`)];
  errs.push(...notOver100(ru.maxUnavailable, `${at}.maxUnavailable`), ...notOver100(ru.maxSurge, `${at}.maxSurge`));
  const unavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const surge = intOrPercentValue(ru.maxSurge) !== 0;
  if (unavailable && surge) errs.push(invalid(`${at}.maxSurge`, ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
  if (!unavailable && !surge) errs.push(required(`${at}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  return errs;
}

function specs(o: KubeObject, old: KubeObject | undefined): { spec: Json; oldSpec: Json | undefined } {
  return { spec: obj(o.spec), oldSpec: old ? obj(old.spec) : undefined };
}

export function validateDeployment(o: KubeObject, old: KubeObject | undefined): FieldError[] {
  const { spec, oldSpec } = specs(o, old);
  const errs = [...nonNegative('spec.replicas', spec.replicas), ...validateWorkloadSelector(spec.selector, 'spec.selector', 'deployment')];
  errs.push(...validateTemplateForReplicas(spec, 'spec', 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(spec.strategy, 'spec.strategy'));
  errs.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds), ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...nonNegative('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds));
    const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    if (typeof spec.progressDeadlineSeconds === 'number' && spec.progressDeadlineSeconds <= minReady) {
      errs.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  if (oldSpec) errs.push(...immutable('spec.selector', spec.selector, oldSpec.selector));
  return errs;
}

export function validateReplicaSet(o: KubeObject, old: KubeObject | undefined): FieldError[] {
  const { spec, oldSpec } = specs(o, old);
  const errs = [...nonNegative('spec.replicas', spec.replicas), ...nonNegative('spec.minReadySeconds', spec.minReadySeconds)];
  errs.push(...validateWorkloadSelector(spec.selector, 'spec.selector', 'deployment'));
  errs.push(...validateTemplateForReplicas(spec, 'spec', 'ReplicaSet'));
  if (oldSpec) errs.push(...immutable('spec.selector', spec.selector, oldSpec.selector));
  return errs;
}

export function validateDaemonSet(o: KubeObject, old: KubeObject | undefined): FieldError[] {
  const { spec, oldSpec } = specs(o, old);
  const errs = validateWorkloadSelector(spec.selector, 'spec.selector', 'daemonset');
  errs.push(...validateTemplateForReplicas(spec, 'spec', 'DaemonSet'));
  errs.push(...validateDaemonSetStrategy(spec.updateStrategy, 'spec.updateStrategy'));
  errs.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds), ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  if (oldSpec) errs.push(...immutable('spec.selector', spec.selector, oldSpec.selector));
  return errs;
}


/** Kubernetes' ValidateControllerRevision(Update): data is mandatory and immutable, revision a non-negative integer (mutable). */
export function validateControllerRevision(o: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (o.data === undefined || o.data === null) errs.push(required('data', 'data is mandatory'));
  if (o.revision !== undefined && !Number.isInteger(o.revision)) errs.push(invalid('revision', o.revision, 'must be an integer'));
  else errs.push(...nonNegative('revision', o.revision ?? 0));
  if (old) errs.push(...immutable('data', o.data, old.data));
  return errs;
}
