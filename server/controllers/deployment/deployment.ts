// The Deployment controller (Kubernetes' deployment_controller.go syncDeployment): owns
// ReplicaSets by template hash, and rolls from old to new ones with the RollingUpdate or Recreate
// strategy; paused Deployments only scale; a Deployment being deleted only reports status.

import type { Pod } from '../../../shared/api/core';
import type { Deployment, ReplicaSet } from '../../../shared/api/workloads';
import type { Cached } from '../../informer/informer';
import { informerWatch, objectKey, type InformerWatch, type Reconciler, type ReconcileResult } from '../controller';
import { BY_CONTROLLER, ORPHANS_BY_NAMESPACE, type ControllerContext } from '../context';
import { claim } from '../util/claim';
import { getCondition } from '../util/conditions';
import { controllerRefOf } from '../util/pods';
import { labelSelectorMatches } from '../../../shared/api/selectors';
import { rolloutRecreate } from './recreate';
import { rolloutRolling } from './rolling';
import { Rollout } from './rollout';
import { isScalingEvent, scaleDeployment } from './scale';
import { calculateStatus, newCondition, REASON } from './status';
import { isRollingUpdate, progressDeadlineSeconds } from './util';

export class DeploymentReconciler implements Reconciler {
  readonly name = 'deployment';
  readonly primary = 'deployments.apps';
  readonly watches = [];
  readonly informerWatches: InformerWatch[];

  constructor(private readonly ctx: ControllerContext) {
    const { deployments, replicaSets, pods } = ctx.informers;
    this.informerWatches = [
      informerWatch(deployments, (_t, d) => [objectKey(d.metadata.namespace, d.metadata.name)]),
      informerWatch(replicaSets, (_t, rs, old) => this.keysForReplicaSet(rs, old)),
      informerWatch(pods, (type, pod, old) => this.keysForPod(type, pod, old)),
    ];
  }

  private keysForReplicaSet(rs: Cached<ReplicaSet>, old: Cached<ReplicaSet> | undefined): string[] {
    const ns = rs.metadata.namespace;
    const keys: string[] = [];
    for (const obj of old ? [rs, old] : [rs]) {
      const ref = controllerRefOf(obj);
      if (ref?.kind === 'Deployment') keys.push(objectKey(ns, ref.name));
    }
    if (!controllerRefOf(rs)) {
      for (const d of this.ctx.informers.deployments.list(ns)) if (labelSelectorMatches(d.spec.selector, rs.metadata.labels)) keys.push(objectKey(ns, d.metadata.name));
    }
    return keys;
  }

  /** Recreate waits for old pods to be gone: their deletion concerns the Deployment. */
  private keysForPod(type: string, pod: Cached<Pod>, old: Cached<Pod> | undefined): string[] {
    if (type !== 'DELETED' && !(pod.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp)) return [];
    const rsRef = controllerRefOf(pod);
    if (rsRef?.kind !== 'ReplicaSet') return [];
    const rs = this.ctx.informers.replicaSets.get(objectKey(pod.metadata.namespace, rsRef.name));
    const dRef = rs && controllerRefOf(rs);
    if (dRef?.kind !== 'Deployment') return [];
    const key = objectKey(pod.metadata.namespace, dRef.name);
    const d = this.ctx.informers.deployments.get(key);
    return d && !isRollingUpdate(d as Deployment) ? [key] : [];
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const { informers, store, clock } = this.ctx;
    const cached = informers.deployments.get(key);
    if (!cached || !cached.spec?.template || !cached.spec.selector) return;
    const selector = cached.spec.selector;
    if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0) === 0) {
      this.ctx.events('deployment-controller').record(cached, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      return;
    }
    const ns = cached.metadata.namespace ?? '';
    const rsList = await claim<ReplicaSet>({
      owner: cached,
      selector: cached.spec.selector,
      owned: informers.replicaSets.byIndex(BY_CONTROLLER, cached.metadata.uid ?? ''),
      orphans: informers.replicaSets.byIndex(ORPHANS_BY_NAMESPACE, ns),
      store,
      resource: 'replicasets.apps',
    });
    const r = new Rollout(cached, rsList, { store, events: this.ctx.events('deployment-controller'), now: () => clock.now() });
    if (r.d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = await r.replicaSets(false);
      await r.setStatus(calculateStatus(r.d, { all: newRS ? [...oldRSs, newRS] : oldRSs, newRS, nowMs: clock.now() }));
      return;
    }
    await this.checkPausedConditions(r);
    if (r.d.spec.paused || isScalingEvent(r, r.rsList)) {
      await this.sync(r);
    } else if (isRollingUpdate(r.d)) {
      await rolloutRolling(r);
    } else {
      await rolloutRecreate(r, {
        podsOf: (rs) => informers.pods.byIndex(BY_CONTROLLER, rs.metadata.uid ?? ''),
        node: (name) => informers.nodes.get(name),
      });
    }
    return r.requeueAfterMs !== undefined ? { requeueAfterMs: r.requeueAfterMs } : undefined;
  }

  /** Scaling only (paused, or replicas changed mid-rollout): proportional scale, then status. */
  private async sync(r: Rollout): Promise<void> {
    const { newRS, oldRSs } = await r.replicaSets(false);
    await scaleDeployment(r, { newRS, oldRSs });
    const current = newRS && r.rsList.find((x) => x.metadata.uid === newRS.metadata.uid);
    const olds = r.rsList.filter((x) => x.metadata.uid !== current?.metadata.uid);
    if (r.d.spec.paused) await r.cleanup(olds);
    await r.setStatus(calculateStatus(r.d, { all: current ? [...olds, current] : olds, newRS: current, nowMs: this.ctx.clock.now() }));
  }

  /** checkPausedConditions: Progressing turns Unknown with DeploymentPaused / DeploymentResumed. */
  private async checkPausedConditions(r: Rollout): Promise<void> {
    if (progressDeadlineSeconds(r.d) === undefined) return;
    const c = getCondition(r.d.status?.conditions, 'Progressing');
    if (c?.reason === REASON.timedOut) return;
    const pausedShown = c?.reason === REASON.paused;
    const now = this.ctx.clock.now();
    if (r.d.spec.paused && !pausedShown) r.setStatusCondition(newCondition({ type: 'Progressing', status: 'Unknown', reason: REASON.paused, message: 'Deployment is paused' }, now));
    else if (!r.d.spec.paused && pausedShown) r.setStatusCondition(newCondition({ type: 'Progressing', status: 'Unknown', reason: REASON.resumed, message: 'Deployment is resumed' }, now));
    else return;
    await r.writeDeployment();
  }
}
