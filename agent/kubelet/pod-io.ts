// Logs and exec for a container named as `kubectl logs` / `kubectl exec` name it: pod by namespace/name,
// container defaulted when the pod has only one, the current or the previous instance.

import type { Pod } from '../../shared/api/core';
import { FlotillaError, notFound } from '../../shared/errors';
import { LABEL_POD_UID, type Runtime } from '../runtime/types';
import type { ContainerRef } from './api';
import { instancesOf } from './pod-runtime';

/** Finds the runtime id of the container `ref` names; `previous` = the instance before the last restart. */
export async function resolveContainer(runtime: Runtime, pod: Pod | undefined, ref: ContainerRef, previous: boolean): Promise<{ id: string; name: string; running: boolean }> {
  if (!pod) throw notFound('pods', `${ref.namespace}/${ref.name}`);
  const names = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.name);
  let name = ref.container;
  if (name === undefined) {
    if (pod.spec.containers.length !== 1) {
      throw new FlotillaError('BadRequest', `a container name must be specified for pod ${ref.name}, choose one of: [${pod.spec.containers.map((c) => c.name).join(' ')}]`);
    }
    name = pod.spec.containers[0]?.name ?? '';
  }
  if (!names.includes(name)) throw new FlotillaError('BadRequest', `container ${name} is not valid for pod ${ref.name}`);
  const rt = await runtime.snapshot({ labels: { [LABEL_POD_UID]: pod.metadata.uid ?? '' } });
  const [current, before] = instancesOf(rt, name);
  const target = previous ? before : current;
  if (!target) {
    if (previous) throw new FlotillaError('BadRequest', `previous terminated container "${name}" in pod "${ref.name}" not found`);
    throw new FlotillaError('BadRequest', `container "${name}" in pod "${ref.name}" is waiting to start: ContainerCreating`);
  }
  return { id: target.id, name, running: target.state === 'running' };
}
