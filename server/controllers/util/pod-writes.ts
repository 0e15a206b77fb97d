// Pod writes controllers share: delete with the grace period Kubernetes' API would apply (a bound
// pod gets its terminationGracePeriodSeconds so its kubelet can stop it; an unbound one goes at
// once), and create in slow-start batches (controller.slowStartBatch).

import type { Pod } from '../../../shared/api/core';
import { isFlotillaError } from '../../../shared/errors';
import type { Store } from '../../store/types';

type PodLike = Pick<Pod, 'metadata'> & { spec?: Pick<Pod['spec'], 'nodeName' | 'terminationGracePeriodSeconds'> };

/** Grace period for deleting `pod`: 0 when unbound, else terminationGracePeriodSeconds (default 30). */
export function podGracePeriod(pod: Pick<PodLike, 'spec'>): number {
  if (!pod.spec?.nodeName) return 0;
  return pod.spec.terminationGracePeriodSeconds ?? 30;
}

/** Deletes (or marks) a pod; a pod already gone counts as deleted. Returns false when it was already gone. */
export async function deletePod(store: Store, pod: PodLike): Promise<boolean> {
  try {
    await store.delete(
      { resource: 'pods', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '' },
      { gracePeriodSeconds: podGracePeriod(pod), ...(pod.metadata.uid ? { preconditions: { uid: pod.metadata.uid } } : {}) },
    );
    return true;
  } catch (err) {
    if (isFlotillaError(err, 'NotFound') || isFlotillaError(err, 'Conflict')) return false;
    throw err;
  }
}

/**
 * Runs `fn` `count` times in batches of 1, 2, 4, … (each batch concurrent, the next only if the
 * whole batch succeeded), so a failing create (quota, invalid template) fails once, not count
 * times. Returns how many succeeded, the first error and the size of the last batch run.
 */
export async function slowStartBatch({ count, initial }: { count: number; initial: number }, fn: () => Promise<unknown>): Promise<{ successes: number; error?: unknown; lastBatch: number }> {
  let remaining = count;
  let successes = 0;
  let lastBatch = 0;
  for (let batch = Math.min(remaining, initial); batch > 0; batch = Math.min(2 * batch, remaining)) {
    lastBatch = batch;
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    let error: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') successes++;
      else error ??= r.reason;
    }
    if (error !== undefined) return { successes, error, lastBatch };
    remaining -= batch;
  }
  return { successes, lastBatch };
}
