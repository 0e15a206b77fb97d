// The default scheduler profile: kube-scheduler's default plugins in its order and score weights,
// plus Flotilla's NodeReady and NodePlatform. Filters run in this order and a node's reason in
// FailedScheduling is the first filter that turned it down.

import type { ClusterEvent, Plugin } from '../framework/interface';
import { isEnqueue } from '../framework/interface';
import type { WeightedPlugin } from '../framework/runtime';
import { NodeResourcesBalancedAllocation } from './balanced-allocation/balanced-allocation';
import { ImageLocality } from './image-locality/image-locality';
import { NodeResourcesLeastAllocated } from './least-allocated/least-allocated';
import { NodeAffinity } from './node-affinity/node-affinity';
import { NodeName } from './node-name/node-name';
import { NodePlatform } from './node-platform/node-platform';
import { NodeReady } from './node-ready/node-ready';
import { NodeResourcesFit } from './node-resources-fit/node-resources-fit';
import { NodeUnschedulable } from './node-unschedulable/node-unschedulable';
import { PodTopologySpread } from './pod-topology-spread/pod-topology-spread';
import { TaintToleration } from './taint-toleration/taint-toleration';

export function defaultPlugins(): (Plugin | WeightedPlugin)[] {
  return [
    NodeUnschedulable,
    NodeName,
    { plugin: TaintToleration, weight: 3 },
    NodeReady,
    { plugin: NodeAffinity, weight: 2 },
    NodePlatform,
    NodeResourcesFit,
    { plugin: PodTopologySpread, weight: 2 },
    { plugin: NodeResourcesLeastAllocated, weight: 1 },
    { plugin: NodeResourcesBalancedAllocation, weight: 1 },
    { plugin: ImageLocality, weight: 1 },
  ];
}

/** plugin name → the events it registered, for the scheduling queue. */
export function pluginInterest(plugins: readonly Plugin[]): Map<string, ReadonlySet<ClusterEvent>> {
  const out = new Map<string, ReadonlySet<ClusterEvent>>();
  for (const p of plugins) if (isEnqueue(p)) out.set(p.name, new Set(p.eventsToRegister()));
  return out;
}
