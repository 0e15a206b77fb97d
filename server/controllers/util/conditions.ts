// Status conditions the Kubernetes way (deploymentutil.SetDeploymentCondition): a condition with the
// same status and reason is left untouched; a changed reason keeps lastTransitionTime when the
// status did not change; the updated condition moves to the end of the list.

import type { WorkloadCondition } from '../../../shared/api/workloads';

export function getCondition(conditions: readonly WorkloadCondition[] | undefined, type: string): WorkloadCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Returns the new list (the input is not changed). */
export function setCondition(conditions: readonly WorkloadCondition[] | undefined, condition: WorkloadCondition): WorkloadCondition[] {
  const list = [...(conditions ?? [])];
  const current = list.find((c) => c.type === condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return list;
  const next = { ...condition };
  if (current && current.status === condition.status && current.lastTransitionTime) next.lastTransitionTime = current.lastTransitionTime;
  return [...list.filter((c) => c.type !== condition.type), next];
}

export function removeCondition(conditions: readonly WorkloadCondition[] | undefined, type: string): WorkloadCondition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
