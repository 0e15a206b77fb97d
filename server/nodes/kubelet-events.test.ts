// Device events: recorded only for pods bound to the reporting device, spam-filtered per pod.

import type { EventReport } from '../../shared/channel/messages';
import { FakeClock } from '../../shared/clock';
import { FakeEventSink } from '../events/fake/fake-sink';
import { Informer } from '../informer/informer';
import { MemoryStore } from '../store/fake/memory-store';
import { KubeletEvents } from './kubelet-events';

async function setup() {
  const store = new MemoryStore();
  const pods = new Informer(store, 'pods');
  for (const [name, node] of [['mine', 'pi-1'], ['theirs', 'pi-2']] as const) {
    await store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { nodeName: node, containers: [{ name: 'c', image: 'i' }] } });
  }
  await pods.start();
  const sinks = new Map<string, FakeEventSink>();
  const events = new KubeletEvents({ pods, clock: new FakeClock(0), sinkFor: (node) => sinks.get(node) ?? sinks.set(node, new FakeEventSink()).get(node) ?? new FakeEventSink() });
  return { events, sinks };
}

const report = (pod: string, uid = `uid-${pod}`, reason = 'Started'): EventReport => ({ namespace: 'default', pod, uid, type: 'Normal', reason, message: `${reason} ${pod}`, time: '2030-01-01T00:00:00Z' });

describe('KubeletEvents', () => {
  it('records events about its own pods only', async () => {
    const { events, sinks } = await setup();
    const dropped = events.report('pi-1', { kind: 'events', events: [report('mine'), report('theirs'), report('mine', 'uid-other'), report('missing')] });
    expect(dropped).toBe(3);
    expect(sinks.get('pi-1')?.events.map((e) => `${e.ref.name} ${e.reason}`)).toEqual(['mine Started']);
  });

  it('spam-filters a flood about one pod to a burst of 25', async () => {
    const { events, sinks } = await setup();
    for (let i = 0; i < 1000; i++) events.report('pi-1', { kind: 'events', events: [report('mine', 'uid-mine', `Reason${i}`)] });
    expect(sinks.get('pi-1')?.events.length).toBe(25);
  });
});
