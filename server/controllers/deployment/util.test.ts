// Table tests of the Deployment arithmetic: fenceposts (Kubernetes' rounding), how far the new
// ReplicaSet may grow, and the revision annotations a rollback leaves.

import type { Deployment, ReplicaSet } from '../../../shared/api/workloads';
import { deploymentManifest } from '../fake/objects';
import { fenceposts, maxUnavailable, newRSNewReplicas, REVISION, REVISION_HISTORY, setNewReplicaSetAnnotations } from './util';

const d = (replicas: number, maxSurge?: number | string, maxUnavailableValue?: number | string): Deployment =>
  deploymentManifest('web', { replicas, spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { ...(maxSurge !== undefined ? { maxSurge } : {}), ...(maxUnavailableValue !== undefined ? { maxUnavailable: maxUnavailableValue } : {}) } } } });
const rs = (replicas: number, statusReplicas = replicas, annotations: Record<string, string> = {}): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'rs', annotations },
  spec: { replicas, selector: {} },
  status: { replicas: statusReplicas },
});

describe('Deployment arithmetic', () => {
  it.each([
    [d(10), 3, 2],
    [d(10, 0, 0), 0, 1],
    [d(10, '30%', '30%'), 3, 3],
    [d(3, '10%', '10%'), 1, 0],
    [d(1, 0, '50%'), 0, 1],
    [d(0, '25%', '25%'), 0, 1],
  ])('fenceposts %#: surge %i, unavailable %i', (deployment, surge, unavailable) => {
    expect(fenceposts(deployment)).toEqual({ surge, unavailable });
  });

  it('maxUnavailable is 0 for Recreate and for zero replicas, and never above replicas', () => {
    expect(maxUnavailable({ ...d(4), spec: { ...d(4).spec, strategy: { type: 'Recreate' } } })).toBe(0);
    expect(maxUnavailable(d(0, 1, 5))).toBe(0);
    expect(maxUnavailable(d(2, 0, 5))).toBe(2);
  });

  it.each([
    ['room to surge', d(10, 3, 0), [rs(10)], rs(0), 3],
    ['old pods still alive beyond the old spec count against the surge', d(10, 3, 0), [rs(8, 10)], rs(2), 3],
    ['capped at replicas', d(10, 5, 0), [rs(2)], rs(8), 10],
    ['no room', d(10, 1, 0), [rs(10)], rs(1), 1],
  ])('newRSNewReplicas: %s', (_name, deployment, olds, newRS, want) => {
    expect(newRSNewReplicas(deployment, { all: [...olds, newRS], newRS })).toBe(want);
  });

  it('a rollback to an old ReplicaSet raises its revision and records the old one', () => {
    const old = rs(0, 0, { [REVISION]: '2', [REVISION_HISTORY]: '1' });
    expect(setNewReplicaSetAnnotations(d(3), old, { newRevision: 5, exists: true })).toBe(true);
    expect(old.metadata.annotations?.[REVISION]).toBe('5');
    expect(old.metadata.annotations?.[REVISION_HISTORY]).toBe('1,2');
    expect(setNewReplicaSetAnnotations(d(3), old, { newRevision: 5, exists: true })).toBe(false);
  });
});
