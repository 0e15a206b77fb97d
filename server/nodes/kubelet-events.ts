// Events devices report about their pods (pulled, started, back-off, probe failures) → Event objects,
// recorded with the device as source.host. A device may only speak about pods bound to it, and
// each pod's events pass client-go's spam filter (a burst of 25, then one per 5 minutes), so one
// crash-looping or misbehaving device cannot flood the store.

import type { Pod } from '../../shared/api/core';
import type { EventsMessage } from '../../shared/channel/messages';
import type { Clock } from '../../shared/clock';
import { SpamFilteredSink } from '../controllers/util/events';
import type { EventSink } from '../events/recorder';
import type { Informer } from '../informer/informer';

export interface KubeletEventsDeps {
  /** Pods by "ns/name". */
  pods: Informer;
  clock: Clock;
  /** The sink for one device's events (an EventRecorder with source.host = node). */
  sinkFor: (node: string) => EventSink;
}

export class KubeletEvents {
  private readonly sinks = new Map<string, EventSink>();

  constructor(private readonly deps: KubeletEventsDeps) {}

  /** Records what `node` reported; returns how many reports were dropped for naming pods not bound to it. */
  report(node: string, msg: EventsMessage): number {
    let dropped = 0;
    for (const e of msg.events) {
      const pod = this.deps.pods.get(`${e.namespace}/${e.pod}`) as Pod | undefined;
      if (!pod || pod.metadata.uid !== e.uid || pod.spec.nodeName !== node) {
        dropped++;
        continue;
      }
      let sink = this.sinks.get(node);
      if (!sink) this.sinks.set(node, (sink = new SpamFilteredSink(this.deps.sinkFor(node), this.deps.clock)));
      sink.record({ apiVersion: 'v1', kind: 'Pod', namespace: e.namespace, name: e.pod, uid: e.uid, ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}) }, e.type, e.reason, e.message);
    }
    return dropped;
  }

  forget(node: string): void {
    this.sinks.delete(node);
  }
}
