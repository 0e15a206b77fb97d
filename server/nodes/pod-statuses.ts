// Pod statuses from devices → pods/status in the store. A report counts only for a pod bound to
// the reporting node with the same uid, and only if its per-pod version is newer than the last one
// applied (reports may repeat after a reconnect). A `terminated` report for a pod being deleted
// finishes the deletion, as the kubelet does with a zero grace period.

import type { Logger } from 'pino';
import type { Pod, PodStatus } from '../../shared/api/core';
import type { PodStatusesMessage, PodStatusReport } from '../../shared/channel/messages';
import { isFlotillaError } from '../../shared/errors';
import type { Informer } from '../informer/informer';
import type { Store } from '../store/types';

export class PodStatusWriter {
  /** pod uid → last applied version */
  private readonly applied = new Map<string, number>();

  constructor(private readonly deps: { store: Store; pods: Informer; logger: Logger }) {}

  async report(node: string, msg: PodStatusesMessage): Promise<void> {
    // A full report follows every (re)connect and may come from a restarted agent whose versions
    // started again: it is applied whatever the versions say.
    await Promise.all(msg.statuses.map((s) => this.apply(node, s, msg.full)));
  }

  private async apply(node: string, s: PodStatusReport, full: boolean): Promise<void> {
    const pod = this.deps.pods.get(`${s.namespace}/${s.name}`) as Pod | undefined;
    if (!pod || pod.metadata.uid !== s.uid) return; // gone, or a new pod under the same name
    if (pod.spec.nodeName !== node) {
      this.deps.logger.warn({ node, pod: `${s.namespace}/${s.name}` }, 'node reported a pod that is not bound to it; ignored');
      return;
    }
    if (!full && (this.applied.get(s.uid) ?? -1) >= s.version && !s.terminated) return;
    this.applied.set(s.uid, s.version);
    const ref = { resource: 'pods', namespace: s.namespace, name: s.name };
    try {
      if (s.terminated && pod.metadata.deletionTimestamp) {
        await this.deps.store.delete(ref, { preconditions: { uid: s.uid } });
        this.applied.delete(s.uid);
        return;
      }
      if (JSON.stringify(pod.status ?? {}) === JSON.stringify(keepTimes(pod.status, s.status))) return;
      await this.deps.store.guaranteedUpdate(ref, (current) => ({ ...current, status: keepTimes((current as Pod).status, s.status) }), { preconditions: { uid: s.uid } });
    } catch (err) {
      if (isFlotillaError(err, 'NotFound') || isFlotillaError(err, 'Conflict')) return;
      throw err;
    }
  }

  forgetPod(uid: string): void {
    this.applied.delete(uid);
  }
}

/**
 * The reported status, with the times the store already holds where they still hold: a condition's
 * lastTransitionTime while its status is the same, and the pod's startTime (set once). A restarted agent
 * knows no transition before its own start (and a Pi without a clock may not know the date yet); without this
 * every agent restart would reset Ready's lastTransitionTime, and with it minReadySeconds' availability.
 */
export function keepTimes(stored: PodStatus | undefined, reported: PodStatus): PodStatus {
  if (!stored) return reported;
  const out: PodStatus = { ...reported };
  if (stored.startTime) out.startTime = stored.startTime;
  if (reported.conditions) {
    out.conditions = reported.conditions.map((c) => {
      const before = stored.conditions?.find((b) => b.type === c.type);
      return before && before.status === c.status && before.lastTransitionTime ? { ...c, lastTransitionTime: before.lastTransitionTime } : c;
    });
  }
  return out;
}
