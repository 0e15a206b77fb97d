// Controller expectations (client-go ControllerExpectations): after a controller asks for N creates
// and some deletes, it does not act on its possibly stale cache again until the informer has shown
// it those writes (or a TTL passed), so it never double-creates while its own writes are in flight.

import type { Clock } from '../../../shared/clock';

interface Pending {
  adds: number;
  /** Keys of pods whose deletion has not been observed yet. */
  deletes: Set<string>;
  setAt: number;
}

/** Kubernetes' ExpectationsTimeout: after this a controller acts even if some writes were never seen. */
export const EXPECTATIONS_TTL_MS = 5 * 60_000;

export class Expectations {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly ttlMs = EXPECTATIONS_TTL_MS,
  ) {}

  /** Records that `owner` is about to create `adds` objects and delete the objects keyed `deletes`. */
  expect(owner: string, adds: number, deletes: readonly string[] = []): void {
    const p = this.pending.get(owner);
    if (p) {
      p.adds += adds;
      for (const d of deletes) p.deletes.add(d);
      p.setAt = this.clock.now();
      return;
    }
    this.pending.set(owner, { adds, deletes: new Set(deletes), setAt: this.clock.now() });
  }

  /** The informer saw a creation for `owner` (or a create failed and will not be seen). */
  creationObserved(owner: string, count = 1): void {
    const p = this.pending.get(owner);
    if (p) p.adds = Math.max(0, p.adds - count);
  }

  /** The informer saw `key` deleted or marked for deletion (or the delete failed). */
  deletionObserved(owner: string, key: string): void {
    this.pending.get(owner)?.deletes.delete(key);
  }

  /** True when nothing is in flight for `owner` or the expectations expired. */
  satisfied(owner: string): boolean {
    const p = this.pending.get(owner);
    if (!p) return true;
    if ((p.adds <= 0 && p.deletes.size === 0) || this.clock.now() - p.setAt > this.ttlMs) {
      this.pending.delete(owner);
      return true;
    }
    return false;
  }

  forget(owner: string): void {
    this.pending.delete(owner);
  }
}
