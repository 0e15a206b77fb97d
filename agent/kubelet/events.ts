// Kubernetes-style events about pods (Pulling, Started, BackOff, Unhealthy, …): handed to listeners
// (the node channel forwards them) and written to the agent's log.

import type { Clock } from '../../shared/clock';
import type { KubeletEvent, PodRef } from './api';

export type EventType = KubeletEvent['type'];

export class EventRecorder {
  private readonly listeners = new Set<(event: KubeletEvent) => void>();

  constructor(private readonly clock: Clock, private readonly log: (event: KubeletEvent) => void = () => undefined) {}

  emit(pod: PodRef, type: EventType, reason: string, message: string, fieldPath?: string): void {
    const event: KubeletEvent = { pod: { namespace: pod.namespace, name: pod.name, uid: pod.uid }, type, reason, message, time: new Date(this.clock.now()), ...(fieldPath ? { fieldPath } : {}) };
    this.log(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure is its own business
      }
    }
  }

  on(listener: (event: KubeletEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function fieldPathOf(container: string, init: boolean): string {
  return init ? `spec.initContainers{${container}}` : `spec.containers{${container}}`;
}
