// Table printers for apps/v1 and batch/v1 kinds, column for column as kube-apiserver prints them.

import type { KubeObject } from '../../../shared/api/types';
import type { TableColumn, TablePrinter } from '../registry';
import { AGE, NAME } from './core';
import { age, arr, creationAge, humanDuration, labelSelectorString, mapSelectorString, num, obj, spec, status, str } from './format';

function col(name: string, type: TableColumn['type'] = 'string', priority = 0): TableColumn {
  return { name, type, description: name, ...(priority ? { priority } : {}) };
}

const WIDE = [col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)];

function containersAndImages(o: KubeObject, template = true): [string, string] {
  const podSpec = template ? obj(obj(spec(o).template).spec) : spec(o);
  const cs = arr(podSpec.containers).map(obj);
  return [cs.map((c) => str(c.name)).join(','), cs.map((c) => str(c.image)).join(',')];
}

function wide(o: KubeObject): string[] {
  return [...containersAndImages(o), labelSelectorString(spec(o).selector)];
}

export const deploymentPrinter: TablePrinter = {
  columns: [NAME, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), AGE, ...WIDE],
  cells(o, now) {
    const st = status(o);
    return [o.metadata.name ?? '', `${num(st.readyReplicas)}/${num(spec(o).replicas, 1)}`, num(st.updatedReplicas), num(st.availableReplicas), creationAge(o, now), ...wide(o)];
  },
};

export const replicaSetPrinter: TablePrinter = {
  columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), AGE, ...WIDE],
  cells(o, now) {
    const st = status(o);
    return [o.metadata.name ?? '', num(spec(o).replicas, 1), num(st.replicas), num(st.readyReplicas), creationAge(o, now), ...wide(o)];
  },
};

export const daemonSetPrinter: TablePrinter = {
  columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), AGE, ...WIDE],
  cells(o, now) {
    const st = status(o);
    const nodeSelector = mapSelectorString(obj(obj(spec(o).template).spec).nodeSelector);
    return [
      o.metadata.name ?? '',
      num(st.desiredNumberScheduled),
      num(st.currentNumberScheduled),
      num(st.numberReady),
      num(st.updatedNumberScheduled),
      num(st.numberAvailable),
      nodeSelector,
      creationAge(o, now),
      ...wide(o),
    ];
  },
};

/** kubectl's formatResourceName for the controller: "daemonset.apps/agent", "<none>" without one. */
function controllerOf(o: KubeObject): string {
  const ref = o.metadata.ownerReferences?.find((r) => r.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter: TablePrinter = {
  columns: [NAME, col('Controller'), col('Revision', 'integer'), AGE],
  cells(o, now) {
    return [o.metadata.name ?? '', controllerOf(o), num(o.revision), creationAge(o, now)];
  },
};

function jobState(o: KubeObject): string {
  const conds = arr(status(o).conditions).map(obj).filter((c) => c.status === 'True');
  const has = (t: string): boolean => conds.some((c) => c.type === t);
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('Suspended')) return 'Suspended';
  return 'Running';
}

function jobDuration(o: KubeObject, now: Date): string {
  const st = status(o);
  const start = Date.parse(str(st.startTime));
  if (Number.isNaN(start)) return '';
  const end = Date.parse(str(st.completionTime));
  return humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
}

export const jobPrinter: TablePrinter = {
  columns: [NAME, col('Status'), col('Completions'), col('Duration'), AGE, ...WIDE],
  cells(o, now) {
    const s = spec(o);
    const succeeded = num(status(o).succeeded);
    const completions = typeof s.completions === 'number' ? `${succeeded}/${s.completions}` : typeof s.parallelism === 'number' && s.parallelism > 1 ? `${succeeded}/1 of ${s.parallelism}` : `${succeeded}/1`;
    return [o.metadata.name ?? '', jobState(o), completions, jobDuration(o, now), creationAge(o, now), ...wide(o)];
  },
};

export const cronJobPrinter: TablePrinter = {
  columns: [NAME, col('Schedule'), col('Timezone'), col('Suspend', 'boolean'), col('Active', 'integer'), col('Last Schedule'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
  cells(o, now) {
    const s = spec(o);
    const jobSpec = obj(obj(s.jobTemplate).spec);
    const cs = arr(obj(obj(jobSpec.template).spec).containers).map(obj);
    const last = status(o).lastScheduleTime;
    return [
      o.metadata.name ?? '',
      str(s.schedule),
      str(s.timeZone) || '<none>',
      s.suspend === true ? 'True' : 'False',
      arr(status(o).active).length,
      last ? age(last, now) : '<none>',
      creationAge(o, now),
      cs.map((c) => str(c.name)).join(','),
      cs.map((c) => str(c.image)).join(','),
      labelSelectorString(jobSpec.selector),
    ];
  },
};
