// One Deployment sync's working state and its writes (the methods of Kubernetes' deployment
// controller that the strategies share): find or create the new ReplicaSet and keep revisions in
// step, scale a ReplicaSet with its annotations, prune revision history, write status.

import { deepEqual } from '../../store/object-meta';
import type { Deployment, DeploymentStatus, ReplicaSet } from '../../../shared/api/workloads';
import { isFlotillaError } from '../../../shared/errors';
import type { EventSink } from '../../events/recorder';
import type { Store } from '../../store/types';
import { ignoreNotFound } from '../util/claim';
import { getCondition, setCondition } from '../util/conditions';
import { computeHash } from '../util/hash';
import { newControllerRef } from '../util/pods';
import { newCondition, REASON, rolloutStatus } from './status';
import {
  byCreation, DEFAULT_REVISION_HISTORY_LIMIT, DESIRED_REPLICAS, MAX_REPLICAS, desiredReplicas, findNewReplicaSet, maxRevision, maxSurge, newRSNewReplicas, POD_TEMPLATE_HASH,
  progressDeadlineSeconds, REVISION, revisionOf, setNewReplicaSetAnnotations, setReplicasAnnotations,
} from './util';

export interface RolloutDeps {
  store: Store;
  events: EventSink;
  now: () => number;
}

const rsRef = (rs: ReplicaSet) => ({ resource: 'replicasets.apps', namespace: rs.metadata.namespace ?? '', name: rs.metadata.name ?? '' });

export class Rollout {
  /** Working copy: status and annotations change as the sync goes. */
  readonly d: Deployment;
  /** The Deployment's ReplicaSets, replaced by their written versions as they change. */
  rsList: ReplicaSet[];
  requeueAfterMs: number | undefined;

  constructor(
    d: Readonly<Deployment>,
    rsList: readonly Readonly<ReplicaSet>[],
    private readonly deps: RolloutDeps,
  ) {
    this.d = structuredClone(d) as Deployment;
    this.rsList = rsList.map((rs) => structuredClone(rs) as ReplicaSet);
  }

  get name(): string {
    return this.d.metadata.name ?? '';
  }

  /**
   * getAllReplicaSetsAndSyncRevision: splits the ReplicaSets into the new one (template equal to
   * the Deployment's) and the old ones; creates the new one when asked and missing; brings the
   * revision annotations of the new ReplicaSet and of the Deployment up to date.
   */
  async replicaSets(create: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
    const existing = findNewReplicaSet(this.d, this.rsList);
    const oldRSs = this.rsList.filter((rs) => rs !== existing);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) return { newRS: await this.syncExistingNewRS(existing, newRevision), oldRSs };
    if (!create) return { newRS: undefined, oldRSs };
    return { newRS: await this.createNewRS(oldRSs, newRevision), oldRSs };
  }

  private async syncExistingNewRS(rs: ReplicaSet, newRevision: number): Promise<ReplicaSet> {
    const copy = structuredClone(rs);
    const annotationsChanged = setNewReplicaSetAnnotations(this.d, copy, { newRevision, exists: true });
    const minReady = this.d.spec.minReadySeconds ?? 0;
    if (annotationsChanged || (copy.spec.minReadySeconds ?? 0) !== minReady) {
      return this.writeRS(rs, (cur) => ({ ...cur, metadata: { ...cur.metadata, annotations: copy.metadata.annotations }, spec: { ...cur.spec, minReadySeconds: minReady } }));
    }
    let needsUpdate = this.setRevision(rs.metadata.annotations?.[REVISION] ?? '');
    if (progressDeadlineSeconds(this.d) !== undefined && !getCondition(this.d.status?.conditions, 'Progressing')) {
      this.setStatusCondition(newCondition({ type: 'Progressing', status: 'True', reason: REASON.foundNewRS, message: `Found new replica set "${rs.metadata.name ?? ''}"` }, this.deps.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeDeployment();
    return rs;
  }

  private async createNewRS(oldRSs: ReplicaSet[], newRevision: number): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const hash = computeHash(d.spec.template, d.status?.collisionCount);
    const template = structuredClone(d.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${this.name}-${hash}`, namespace: d.metadata.namespace, labels: template.metadata.labels, ownerReferences: [newControllerRef(d)] },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    rs.spec.replicas = newRSNewReplicas(d, { all: [...oldRSs, rs], newRS: rs });
    setNewReplicaSetAnnotations(d, rs, { newRevision, exists: false });
    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = (await this.deps.store.create('replicasets.apps', rs)) as ReplicaSet;
    } catch (err) {
      if (!isFlotillaError(err, 'AlreadyExists')) {
        const msg = `Failed to create new replica set "${rs.metadata.name ?? ''}": ${err instanceof Error ? err.message : String(err)}`;
        if (progressDeadlineSeconds(d) !== undefined) {
          this.setStatusCondition(newCondition({ type: 'Progressing', status: 'False', reason: REASON.failedRSCreate, message: msg }, this.deps.now()));
          await this.writeDeployment().catch(() => undefined);
        }
        this.deps.events.record(d, 'Warning', REASON.failedRSCreate, msg);
        throw err;
      }
      const found = (await this.deps.store.get(rsRef(rs))) as ReplicaSet | undefined;
      const ours = found?.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid);
      if (!found || !ours || !findNewReplicaSet(d, [found])) {
        // A hash collision: another template has this name. Bump collisionCount and retry next sync.
        d.status = { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 };
        await this.writeDeployment();
        throw err;
      }
      created = found;
      alreadyExisted = true;
    }
    this.rsList.push(created);
    const replicas = created.spec.replicas ?? 0;
    if (!alreadyExisted && replicas > 0) this.deps.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name ?? ''} from 0 to ${replicas}`);
    let needsUpdate = this.setRevision(String(newRevision));
    if (!alreadyExisted && progressDeadlineSeconds(d) !== undefined) {
      this.setStatusCondition(newCondition({ type: 'Progressing', status: 'True', reason: REASON.newRSCreated, message: `Created new replica set "${created.metadata.name ?? ''}"` }, this.deps.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeDeployment();
    return created;
  }

  /** SetDeploymentRevision on the working copy; true when it changed. */
  private setRevision(revision: string): boolean {
    if ((this.d.metadata.annotations?.[REVISION] ?? '') === revision) return false;
    this.d.metadata.annotations = { ...(this.d.metadata.annotations ?? {}), [REVISION]: revision };
    return true;
  }

  setStatusCondition(c: NonNullable<DeploymentStatus['conditions']>[number]): void {
    this.d.status = { ...(this.d.status ?? {}), conditions: setCondition(this.d.status?.conditions, c) };
  }

  /** Writes the working copy's annotations and status (never its spec). */
  async writeDeployment(): Promise<void> {
    const revision = this.d.metadata.annotations?.[REVISION];
    const status = this.d.status;
    const uid = this.d.metadata.uid;
    const ref = { resource: 'deployments.apps', namespace: this.d.metadata.namespace ?? '', name: this.name };
    const written = await ignoreNotFound(
      this.deps.store.guaranteedUpdate(ref, (cur) => {
        if (cur.metadata.uid !== uid) return cur;
        const annotations = revision === undefined ? cur.metadata.annotations : { ...(cur.metadata.annotations ?? {}), [REVISION]: revision };
        return { ...cur, metadata: { ...cur.metadata, ...(annotations ? { annotations } : {}) }, status };
      }),
    );
    if (written) this.d.metadata.resourceVersion = written.metadata.resourceVersion;
  }

  private async writeRS(rs: ReplicaSet, mutate: (cur: ReplicaSet) => ReplicaSet): Promise<ReplicaSet> {
    const written = (await this.deps.store.guaranteedUpdate(rsRef(rs), (cur) => mutate(cur as ReplicaSet))) as ReplicaSet;
    this.rsList = this.rsList.map((x) => (x.metadata.uid === written.metadata.uid ? written : x));
    return written;
  }

  /**
   * scaleReplicaSetAndRecordEvent: sets spec.replicas and the desired/max-replicas annotations.
   * Returns the ReplicaSet as written (or unchanged) and whether its size changed.
   */
  async scale(rs: ReplicaSet, size: number, operation?: 'up' | 'down'): Promise<{ rs: ReplicaSet; scaled: boolean }> {
    const from = rs.spec.replicas ?? 0;
    const copy = structuredClone(rs);
    const annotationsChanged = setReplicasAnnotations(copy, { desired: desiredReplicas(this.d), max: desiredReplicas(this.d) + maxSurge(this.d) });
    if (from === size && !annotationsChanged) return { rs, scaled: false };
    const replicaAnnotations = { [DESIRED_REPLICAS]: copy.metadata.annotations?.[DESIRED_REPLICAS] ?? '', [MAX_REPLICAS]: copy.metadata.annotations?.[MAX_REPLICAS] ?? '' };
    const written = await this.writeRS(rs, (cur) => ({ ...cur, metadata: { ...cur.metadata, annotations: { ...(cur.metadata.annotations ?? {}), ...replicaAnnotations } }, spec: { ...cur.spec, replicas: size } }));
    if (from !== size) {
      const op = operation ?? (size > from ? 'up' : 'down');
      this.deps.events.record(this.d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name ?? ''} from ${from} to ${size}`);
    }
    return { rs: written, scaled: from !== size };
  }

  /** cleanupDeployment: deletes the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
  async cleanup(oldRSs: readonly ReplicaSet[]): Promise<void> {
    const limit = this.d.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec.replicas ?? 0) !== 0 || (rs.metadata.generation ?? 1) > (rs.status?.observedGeneration ?? 0)) continue;
      await ignoreNotFound(this.deps.store.delete(rsRef(rs), { preconditions: { uid: rs.metadata.uid ?? '' } }));
    }
  }

  /** syncRolloutStatus: writes the rollout's status when it changed; remembers when to look again. */
  async syncRolloutStatus(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): Promise<void> {
    const all = newRS ? [...oldRSs, newRS] : [...oldRSs];
    const { status, requeueAfterMs } = rolloutStatus(this.d, { all, newRS, nowMs: this.deps.now() });
    this.requeueAfterMs = requeueAfterMs;
    await this.setStatus(status);
  }

  async setStatus(status: DeploymentStatus): Promise<void> {
    if (deepEqual(this.d.status ?? {}, status)) return;
    this.d.status = status;
    await this.writeDeployment();
  }
}
