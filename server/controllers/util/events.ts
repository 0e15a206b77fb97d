// Event spam filter for controllers (client-go's EventSourceObjectSpamFilter): per involved object,
// a burst of 25 events, then one per 5 minutes. A ReplicaSet scaled to 10,000 records its first 25
// "Created pod" events, not 10,000 Event writes.

import type { ObjectReference } from '../../../shared/api/core';
import type { KubeObject } from '../../../shared/api/types';
import type { Clock } from '../../../shared/clock';
import { referenceOf, type EventSink } from '../../events/recorder';

interface Bucket {
  tokens: number;
  lastMs: number;
}

const BURST = 25;
const REFILL_MS = 5 * 60_000;
const MAX_TRACKED = 4096;

export class SpamFilteredSink implements EventSink {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly sink: EventSink,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  record(about: KubeObject | ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const ref = referenceOf(about);
    const key = `${ref.kind ?? ''}/${ref.namespace ?? ''}/${ref.name ?? ''}/${ref.uid ?? ''}`;
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_TRACKED) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = { tokens: BURST, lastMs: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(BURST, b.tokens + Math.floor((now - b.lastMs) / REFILL_MS));
    if (now - b.lastMs >= REFILL_MS) b.lastMs = now;
    if (b.tokens <= 0) return;
    b.tokens -= 1;
    this.sink.record(ref, type, reason, message);
  }
}
