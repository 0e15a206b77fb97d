// The scheduler cache: assumed pods, confirmation by the informer, controller/zone/image counts, node order.

import { makeNode, makePod, podInfo } from '../fake/builders';
import { SchedulerCache } from './cache';

const bound = (name: string, node: string, o: Parameters<typeof makePod>[1] = {}) => podInfo(makePod(name, { ...o, spec: { ...o.spec, nodeName: node } }));

describe('SchedulerCache', () => {
  test('assumed pods count against their node until forgotten', () => {
    const cache = new SchedulerCache();
    cache.setNode(makeNode('pi-1', { cpu: '1' }));
    cache.assumePod(podInfo(makePod('web-1', { cpu: '400m' })), 'pi-1');
    expect(cache.get('pi-1')?.requested.milliCpu).toBe(400);
    expect(cache.isAssumed('default/web-1')).toBe(true);
    cache.forgetPod('default/web-1');
    expect(cache.get('pi-1')?.requested.milliCpu).toBe(0);
    expect(cache.get('pi-1')?.pods.size).toBe(0);
  });

  test('the informer confirming an assumed pod keeps one copy; forget after confirm is a no-op', () => {
    const cache = new SchedulerCache();
    cache.setNode(makeNode('pi-1'));
    cache.assumePod(podInfo(makePod('web-1', { cpu: '400m' })), 'pi-1');
    cache.addOrUpdatePod(bound('web-1', 'pi-1', { cpu: '400m' }));
    expect(cache.isAssumed('default/web-1')).toBe(false);
    cache.forgetPod('default/web-1');
    expect(cache.get('pi-1')?.requested.milliCpu).toBe(400);
  });

  test('a pod bound elsewhere than assumed moves', () => {
    const cache = new SchedulerCache();
    cache.setNode(makeNode('pi-1'));
    cache.setNode(makeNode('pi-2'));
    cache.assumePod(podInfo(makePod('web-1', { memory: '1Gi' })), 'pi-1');
    cache.addOrUpdatePod(bound('web-1', 'pi-2', { memory: '1Gi' }));
    expect(cache.get('pi-1')?.requested.memory).toBe(0);
    expect(cache.get('pi-2')?.requested.memory).toBe(2 ** 30);
  });

  test('controller counts follow pods and skip terminating ones', () => {
    const cache = new SchedulerCache();
    cache.setNode(makeNode('pi-1'));
    cache.addOrUpdatePod(bound('a', 'pi-1', { owner: 'rs' }));
    cache.addOrUpdatePod(bound('b', 'pi-1', { owner: 'rs' }));
    const pi1 = cache.get('pi-1');
    if (!pi1) throw new Error('pi-1 missing');
    expect(cache.controllerCounts('uid-rs')?.onNode(pi1)).toBe(2);
    const terminating = makePod('b', { owner: 'rs', spec: { nodeName: 'pi-1' } });
    terminating.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    cache.addOrUpdatePod(podInfo(terminating));
    expect(cache.controllerCounts('uid-rs')?.onNode(pi1)).toBe(1);
    cache.removePod('default/a');
    cache.removePod('default/b');
    expect(cache.controllerCounts('uid-rs')).toBeUndefined();
  });

  test('controller counts per zone follow pods and a node moving zones', () => {
    const cache = new SchedulerCache();
    cache.setNode(makeNode('pi-1', { labels: { 'topology.kubernetes.io/zone': 'shed' } }));
    cache.setNode(makeNode('pi-2'));
    cache.addOrUpdatePod(bound('a', 'pi-1', { owner: 'rs' }));
    cache.addOrUpdatePod(bound('b', 'pi-1', { owner: 'rs' }));
    cache.addOrUpdatePod(bound('c', 'pi-2', { owner: 'rs' }));
    const zoneOf = (node: string): number => cache.get(node)?.zoneId ?? -1;
    const counts = () => cache.controllerCounts('uid-rs');
    expect(zoneOf('pi-2')).toBe(0);
    expect([counts()?.inZone(zoneOf('pi-1')), counts()?.inZone(0)]).toEqual([2, 1]);
    cache.setNode(makeNode('pi-1', { labels: { 'topology.kubernetes.io/zone': 'field' } }));
    const shed = 1;
    expect([counts()?.inZone(zoneOf('pi-1')), counts()?.inZone(shed), counts()?.inZone(0)]).toEqual([2, 0, 1]);
    cache.removePod('default/c');
    expect([counts()?.inZone(zoneOf('pi-1')), counts()?.inZone(0)]).toEqual([2, 0]);
  });

  test('image counts follow node updates and removal', () => {
    const cache = new SchedulerCache();
    const img = { names: ['registry.local/cam:1'], sizeBytes: 100 };
    cache.setNode(makeNode('pi-1', { images: [img] }));
    cache.setNode(makeNode('pi-2', { images: [img] }));
    expect(cache.imageNodeCount('registry.local/cam:1')).toBe(2);
    cache.setNode(makeNode('pi-2'));
    expect(cache.imageNodeCount('registry.local/cam:1')).toBe(1);
    cache.removeNode('pi-1');
    expect(cache.imageNodeCount('registry.local/cam:1')).toBe(0);
  });

  test('nodes are listed with zones interleaved; removed nodes leave the list but keep their pods', () => {
    const cache = new SchedulerCache();
    for (const [name, zone] of [['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['b1', 'b'], ['c1', 'c']] as const) cache.setNode(makeNode(name, { labels: { 'topology.kubernetes.io/zone': zone } }));
    expect(cache.nodes.map((n) => n.name)).toEqual(['a1', 'b1', 'c1', 'a2', 'a3']);
    cache.addOrUpdatePod(bound('web-1', 'b1', { cpu: '1' }));
    cache.removeNode('b1');
    expect(cache.nodes.map((n) => n.name)).toEqual(['a1', 'c1', 'a2', 'a3']);
    expect(cache.get('b1')?.requested.milliCpu).toBe(1000);
    cache.removePod('default/web-1');
    expect(cache.get('b1')).toBeUndefined();
  });
});
