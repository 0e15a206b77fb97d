import { EventBuffer } from './event-buffer';
import type { StoreEvent } from './types';

const ev = (rv: number, resource = 'pods'): StoreEvent => ({ type: 'ADDED', resource, rv, object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${rv}` } } });

describe('EventBuffer', () => {
  it('replays everything after a version, oldest first', () => {
    const b = new EventBuffer(10, 0);
    for (let rv = 1; rv <= 5; rv++) b.push(ev(rv));
    expect(b.since(2, () => true).map((e) => e.rv)).toEqual([3, 4, 5]);
    expect(b.since(5, () => true)).toEqual([]);
    expect(b.startRv).toBe(0);
  });

  it('evicts the oldest event when full and moves startRv', () => {
    const b = new EventBuffer(3, 10);
    for (let rv = 11; rv <= 17; rv++) b.push(ev(rv));
    expect(b.size).toBe(3);
    expect(b.startRv).toBe(14);
    expect(b.since(14, () => true).map((e) => e.rv)).toEqual([15, 16, 17]);
  });

  it('filters while replaying', () => {
    const b = new EventBuffer(4, 0);
    [ev(1, 'pods'), ev(2, 'nodes'), ev(3, 'pods')].forEach((e) => b.push(e));
    expect(b.since(0, (e) => e.resource === 'pods').map((e) => e.rv)).toEqual([1, 3]);
  });

  it('rejects a capacity below 1', () => {
    expect(() => new EventBuffer(0, 0)).toThrow(RangeError);
  });
});
