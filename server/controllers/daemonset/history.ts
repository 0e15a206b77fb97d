// DaemonSet revision history (Kubernetes' daemon/update.go constructHistory, dedupCurHistories,
// cleanupHistory, snapshot): one ControllerRevision per distinct pod template, named
// `<ds>-<hash>`, labelled with the template labels plus controller-revision-hash, controlled by
// the DaemonSet, whose `data` is the strategic merge patch that restores the template — what
// `kubectl rollout history|undo daemonset/NAME` read and apply.

import type { Pod, PodTemplateSpec } from '../../../shared/api/core';
import type { ControllerRevision, DaemonSet } from '../../../shared/api/workloads';
import { isFlotillaError } from '../../../shared/errors';
import type { Cached } from '../../informer/informer';
import type { Store } from '../../store/types';
import { claim, ignoreNotFound } from '../util/claim';
import { canonicalJson, computeHash } from '../util/hash';
import { newControllerRef } from '../util/pods';
import { REVISION_HASH } from './rolling';

export const REVISIONS = 'controllerrevisions.apps';
const DEFAULT_HISTORY_LIMIT = 10;

type Json = Record<string, unknown>;

/** Object keys sorted at every level, as Go's json.Marshal of a map writes them. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const k of Object.keys(value).sort()) {
    const v = (value as Json)[k];
    if (v !== undefined) out[k] = sortedKeys(v);
  }
  return out;
}

/**
 * getPatch: `{"spec":{"template":{"$patch":"replace", …template}}}`, keys sorted, with the
 * template's `metadata.creationTimestamp: null` and containers' `resources: {}` as the Go types
 * marshal them, so that kubectl's byte comparison (undo to the current revision is skipped) holds. Applied to the DaemonSet as a
 * strategic merge patch, it restores the template whole.
 */
export function revisionData(template: PodTemplateSpec): Json {
  const t = structuredClone(template) as unknown as Json;
  const metadata = { creationTimestamp: null, ...((t.metadata as Json | undefined) ?? {}) };
  const spec = { ...((t.spec as Json | undefined) ?? {}) };
  // Go marshals a container's `resources` struct even when empty; kubectl compares these bytes.
  for (const field of ['initContainers', 'containers']) {
    const list = spec[field];
    if (Array.isArray(list)) spec[field] = list.map((c: Json) => ({ resources: {}, ...c }));
  }
  return sortedKeys({ spec: { template: { ...t, metadata, spec, $patch: 'replace' } } }) as Json;
}

/** Match: does this revision hold the DaemonSet's current template? */
export function revisionMatches(ds: Pick<DaemonSet, 'spec'>, rev: Pick<ControllerRevision, 'data'>): boolean {
  return canonicalJson(rev.data) === canonicalJson(revisionData(ds.spec.template));
}

export interface HistoryInput {
  ds: Cached<DaemonSet>;
  store: Store;
  /** Revisions controlled by the DaemonSet (controller uid index). */
  owned: readonly Cached<ControllerRevision>[];
  /** Revisions without a controller in its namespace: adopted when the selector matches. */
  orphans: readonly Cached<ControllerRevision>[];
  /** The DaemonSet's pods: relabelled when duplicate current revisions are merged. */
  pods: readonly Cached<Pod>[];
}

export interface History {
  /** The revision of the current template; its controller-revision-hash label is the pods' hash. */
  cur: ControllerRevision;
  old: ControllerRevision[];
}

function refOf(ns: string, name: string) {
  return { resource: REVISIONS, namespace: ns, name };
}

export function revisionHash(rev: Pick<ControllerRevision, 'metadata'>): string {
  return rev.metadata.labels?.[REVISION_HASH] ?? rev.metadata.name ?? '';
}

/**
 * constructHistory: claims the DaemonSet's revisions, splits them into the current one and the
 * old ones, creates the current one if missing (numbered max(old)+1), or renumbers it to max(old)+1
 * when an older template came back. Idempotent; on a name collision with a different template it
 * bumps status.collisionCount and throws (the retry hashes anew). Called once per sync, before
 * pods are created, so that new pods carry the current revision's hash.
 */
export async function constructHistory(input: HistoryInput): Promise<History> {
  const { ds, store } = input;
  const ns = ds.metadata.namespace ?? '';
  const claimed = await claim<ControllerRevision>({ owner: ds, selector: ds.spec.selector, owned: input.owned, orphans: input.orphans, store, resource: REVISIONS });
  const current: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (let rev of claimed) {
    if (rev.metadata.labels?.[REVISION_HASH] === undefined) {
      const name = rev.metadata.name ?? '';
      const relabelled = await ignoreNotFound(store.guaranteedUpdate(refOf(ns, name), (c) => ({ ...c, metadata: { ...c.metadata, labels: { ...(c.metadata.labels ?? {}), [REVISION_HASH]: name } } })));
      if (!relabelled) continue;
      rev = relabelled as Cached<ControllerRevision>;
    }
    (revisionMatches(ds, rev) ? current : old).push(rev);
  }
  const next = Math.max(0, ...old.map((r) => r.revision)) + 1;
  if (current.length === 0) return { cur: await snapshot(ds, store, next), old };
  const cur = await dedupCurrent(input, current);
  if (cur.revision >= next) return { cur, old };
  const bumped = await store.guaranteedUpdate(refOf(ns, cur.metadata.name ?? ''), (c) => ({ ...c, revision: next }) as ControllerRevision);
  return { cur: bumped as ControllerRevision, old };
}

/** Keeps the highest-numbered of several revisions of the current template; pods move to its hash first. */
async function dedupCurrent(input: HistoryInput, current: readonly ControllerRevision[]): Promise<ControllerRevision> {
  const keep = current.reduce((a, b) => (b.revision >= a.revision ? b : a));
  if (current.length === 1) return keep;
  const hash = revisionHash(keep);
  const ns = input.ds.metadata.namespace ?? '';
  for (const pod of input.pods) {
    if (pod.metadata.labels?.[REVISION_HASH] === hash) continue;
    await ignoreNotFound(input.store.guaranteedUpdate({ resource: 'pods', namespace: ns, name: pod.metadata.name ?? '' }, (c) => ({ ...c, metadata: { ...c.metadata, labels: { ...(c.metadata.labels ?? {}), [REVISION_HASH]: hash } } })));
  }
  for (const rev of current) if (rev !== keep) await ignoreNotFound(input.store.delete(refOf(ns, rev.metadata.name ?? '')));
  return keep;
}

/** snapshot: creates the current template's revision, or finds that it already exists. */
async function snapshot(ds: Cached<DaemonSet>, store: Store, revision: number): Promise<ControllerRevision> {
  const hash = computeHash(ds.spec.template, ds.status?.collisionCount);
  const ns = ds.metadata.namespace ?? '';
  const name = `${ds.metadata.name ?? ''}-${hash}`;
  const rev: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: ns,
      labels: { ...(ds.spec.template.metadata?.labels ?? {}), [REVISION_HASH]: hash },
      ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(ds as DaemonSet)],
    },
    data: revisionData(ds.spec.template),
    revision,
  };
  try {
    return (await store.create(REVISIONS, rev)) as ControllerRevision;
  } catch (err) {
    if (!isFlotillaError(err, 'AlreadyExists')) throw err;
    const existing = (await store.get(refOf(ns, name))) as ControllerRevision | undefined;
    if (existing && revisionMatches(ds, existing)) return existing;
    // A different template under the same hash: count the collision so the next hash differs.
    const uid = ds.metadata.uid;
    const collisionCount = ds.status?.collisionCount;
    await store.guaranteedUpdate({ resource: 'daemonsets.apps', namespace: ns, name: ds.metadata.name ?? '' }, (c) => {
      const cur = c as DaemonSet;
      if (cur.metadata.uid !== uid || cur.status?.collisionCount !== collisionCount) return cur;
      return { ...cur, status: { ...(cur.status ?? { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }), collisionCount: (collisionCount ?? 0) + 1 } };
    });
    throw err;
  }
}

/**
 * cleanupHistory: deletes the oldest revisions beyond spec.revisionHistoryLimit (default 10),
 * sparing any whose hash a pod of the DaemonSet still carries.
 */
export async function cleanupHistory(ds: Cached<DaemonSet>, options: { store: Store; old: readonly ControllerRevision[]; pods: readonly Cached<Pod>[] }): Promise<void> {
  let toKill = options.old.length - (ds.spec.revisionHistoryLimit ?? DEFAULT_HISTORY_LIMIT);
  if (toKill <= 0) return;
  const live = new Set(options.pods.map((p) => p.metadata.labels?.[REVISION_HASH]).filter((h) => h !== undefined && h !== ''));
  for (const rev of [...options.old].sort((a, b) => a.revision - b.revision)) {
    if (toKill <= 0) break;
    if (live.has(rev.metadata.labels?.[REVISION_HASH])) continue;
    await ignoreNotFound(options.store.delete(refOf(ds.metadata.namespace ?? '', rev.metadata.name ?? '')));
    toKill--;
  }
}
