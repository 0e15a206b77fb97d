// Which Node changes wake parked pods (heartbeats must not), and how pod events reach cache and queue.

import type { Node } from '../../shared/api/core';
import { SchedulerCache } from './cache/cache';
import { makeNode, makePod } from './fake/builders';
import { nodeEvents, podHandler } from './handlers';
import { SchedulingQueue } from './queue/scheduling-queue';

const base = makeNode('pi-1');
const withStatus = (status: Partial<NonNullable<Node['status']>>): Node => ({ ...base, status: { ...base.status, ...status } });

describe('nodeEvents', () => {
  test.each([
    ['a heartbeat changes nothing that matters', withStatus({ conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-05-01T10:00:10Z' }] }), []],
    ['allocatable', withStatus({ allocatable: { cpu: '8', memory: '8Gi', pods: '110' } }), ['NodeAllocatable']],
    ['labels', { ...base, metadata: { ...base.metadata, labels: { camera: 'yes' } } }, ['NodeLabel']],
    ['taints', { ...base, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }, ['NodeTaint']],
    ['Ready turns False', withStatus({ conditions: [{ type: 'Ready', status: 'False' }] }), ['NodeCondition']],
    ['cordon', { ...base, spec: { unschedulable: true } }, ['NodeSpecUnschedulable']],
    ['images', withStatus({ images: [{ names: ['a:1'], sizeBytes: 1 }] }), ['NodeImages']],
  ] as [string, Node, string[]][])('%s', (_name, next, want) => {
    expect(nodeEvents(base, next)).toEqual(want);
  });
});

describe('podHandler', () => {
  function setup() {
    const cache = new SchedulerCache();
    const queue = new SchedulingQueue();
    cache.setNode(makeNode('pi-1'));
    return { cache, queue, handle: podHandler(cache, queue) };
  }

  test('pending pods are queued; a status-only update does not requeue; binding moves them to the cache', () => {
    const { cache, queue, handle } = setup();
    const pending = makePod('web-1', { cpu: '100m' });
    handle('ADDED', pending, undefined);
    expect(queue.stats().active).toBe(1);
    const popped = queue.pop();
    if (!popped) throw new Error('expected a pod');
    queue.addUnschedulable(popped, new Set(['NodeResourcesFit']));
    handle('MODIFIED', { ...pending, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } }, pending);
    expect(queue.stats().unschedulable).toBe(1);
    handle('MODIFIED', { ...pending, spec: { ...pending.spec, nodeName: 'pi-1' } }, pending);
    expect(queue.stats()).toEqual({ active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
    expect(cache.get('pi-1')?.requested.milliCpu).toBe(100);
  });

  test('terminal and deleted pods leave the cache', () => {
    const { cache, handle } = setup();
    const bound = makePod('job-1', { cpu: '1', spec: { nodeName: 'pi-1' } });
    handle('ADDED', bound, undefined);
    expect(cache.get('pi-1')?.requested.milliCpu).toBe(1000);
    handle('MODIFIED', { ...bound, status: { phase: 'Succeeded' } }, bound);
    expect(cache.get('pi-1')?.requested.milliCpu).toBe(0);
  });

  test('pods for another scheduler and pods being deleted are not queued', () => {
    const { queue, handle } = setup();
    handle('ADDED', makePod('other', { spec: { schedulerName: 'my-scheduler' } }), undefined);
    const deleting = makePod('going');
    deleting.metadata.deletionTimestamp = '2024-05-01T10:00:00Z';
    handle('ADDED', deleting, undefined);
    expect(queue.stats().active).toBe(0);
  });
});
