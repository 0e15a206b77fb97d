// The kubelet's status manager: keeps the latest status of every pod, versions it per pod, and tells
// listeners only about real changes, coalesced behind a one-slot dirty signal (a burst of changes to a
// pod within one turn of the event loop reaches listeners as its newest status, once).

import type { PodStatus } from '../../shared/api/core';
import type { Clock } from '../../shared/clock';
import type { PodRef, PodStatusUpdate, SourceName } from './api';
import { canonicalJson } from './labels';

export class StatusManager {
  private readonly statuses = new Map<string, PodStatusUpdate>();
  private readonly fingerprints = new Map<string, string>();
  private readonly dirty = new Map<string, PodStatusUpdate>();
  private signalled = false;
  private readonly listeners = new Set<(update: PodStatusUpdate) => void>();

  /**
   * `clock` seeds versions: a pod's version is max(previous + 1, now in ms), so versions keep growing across
   * agent restarts (as long as the clock does) without writing a counter to the SD card on every change.
   */
  constructor(private readonly clock: Clock, private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  /** Records a pod's status; returns false (and tells nobody) when it equals the last one. */
  set(ref: PodRef, source: SourceName, status: PodStatus, terminated = false): boolean {
    const fp = canonicalJson([ref.namespace, ref.name, source, status, terminated]);
    if (this.fingerprints.get(ref.uid) === fp) return false;
    const before = this.statuses.get(ref.uid);
    const version = Math.max((before?.version ?? 0) + 1, this.clock.now());
    const update: PodStatusUpdate = { namespace: ref.namespace, name: ref.name, uid: ref.uid, source, version, status, ...(terminated ? { terminated } : {}) };
    this.statuses.set(ref.uid, update);
    this.fingerprints.set(ref.uid, fp);
    this.dirty.set(ref.uid, update);
    this.signal();
    return true;
  }

  get(uid: string): PodStatusUpdate | undefined {
    return this.statuses.get(uid);
  }

  all(): PodStatusUpdate[] {
    return [...this.statuses.values()];
  }

  /** Forgets a pod (its last update, if still pending, is still delivered). */
  remove(uid: string): void {
    this.statuses.delete(uid);
    this.fingerprints.delete(uid);
  }

  onPodStatus(listener: (update: PodStatusUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private signal(): void {
    if (this.signalled) return;
    this.signalled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.signalled = false;
    const batch = [...this.dirty.values()];
    this.dirty.clear();
    for (const update of batch) {
      for (const listener of this.listeners) {
        try {
          listener(update);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
  }
}
