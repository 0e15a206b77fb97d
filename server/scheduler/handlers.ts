// Informer events → scheduler cache and queue (kube-scheduler eventhandlers.go). Assigned pods go to
// the cache; pending pods this scheduler is responsible for go to the queue; changes that may make
// parked pods fit (node added or changed in a relevant field, pod deleted…) move them back.

import type { Node, Pod } from '../../shared/api/core';
import type { Cached, InformerHandler } from '../informer/informer';
import { keyOf } from '../informer/informer';
import type { SchedulerCache } from './cache/cache';
import type { ClusterEvent } from './framework/interface';
import { podInfoOf, type PodInfo } from './framework/pod-info';
import { emptyResource } from './framework/resources';
import type { SchedulingQueue } from './queue/scheduling-queue';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

function isTerminal(pod: Cached<Pod>): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** An assigned pod's PodInfo; a pod whose requests do not parse counts as requesting nothing. */
function assignedPodInfo(pod: Cached<Pod>): PodInfo {
  try {
    return podInfoOf(pod);
  } catch {
    return { key: keyOf(pod), pod, requests: emptyResource(), nonZeroCpu: 0, nonZeroMemory: 0, controllerUid: undefined, controllerKind: undefined };
  }
}

export function podHandler(cache: SchedulerCache, queue: SchedulingQueue, schedulerName = DEFAULT_SCHEDULER_NAME): InformerHandler<Pod> {
  return (type, pod, old) => {
    const key = keyOf(pod);
    if (type === 'DELETED' || isTerminal(pod)) {
      queue.delete(key);
      if (cache.hasPod(key)) {
        cache.removePod(key);
        queue.onEvent('AssignedPodDelete');
      }
      return;
    }
    if (pod.spec.nodeName) {
      queue.delete(key);
      cache.addOrUpdatePod(assignedPodInfo(pod));
      if (!old?.spec.nodeName) queue.onEvent('AssignedPodAdd');
      else if (!same(old.metadata.labels, pod.metadata.labels) || !same(old.spec, pod.spec) || old.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp) queue.onEvent('AssignedPodUpdate');
      return;
    }
    if ((pod.spec.schedulerName || DEFAULT_SCHEDULER_NAME) !== schedulerName) return;
    if (pod.metadata.deletionTimestamp) {
      queue.delete(key);
      return;
    }
    // Status-only updates (our own PodScheduled condition among them) change nothing for scheduling.
    const changed = !old || !same(old.spec, pod.spec) || !same(old.metadata.labels, pod.metadata.labels) || !same(old.metadata.annotations, pod.metadata.annotations);
    if (changed) queue.add(key, pod.spec.priority ?? 0);
  };
}

function conditionStatuses(node: Cached<Node>): string {
  return (node.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(',');
}

/** What changed between two versions of a Node, as the events plugins register for. */
export function nodeEvents(old: Cached<Node>, node: Cached<Node>): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  if (!same(old.status?.allocatable, node.status?.allocatable)) out.push('NodeAllocatable');
  if (!same(old.metadata.labels, node.metadata.labels)) out.push('NodeLabel');
  if (!same(old.spec?.taints, node.spec?.taints)) out.push('NodeTaint');
  if (conditionStatuses(old) !== conditionStatuses(node)) out.push('NodeCondition');
  if ((old.spec?.unschedulable === true) !== (node.spec?.unschedulable === true)) out.push('NodeSpecUnschedulable');
  if (!same(old.status?.images, node.status?.images)) out.push('NodeImages');
  return out;
}

export function nodeHandler(cache: SchedulerCache, queue: SchedulingQueue): InformerHandler<Node> {
  return (type, node, old) => {
    if (type === 'DELETED') {
      cache.removeNode(node.metadata.name ?? '');
      return;
    }
    cache.setNode(node);
    if (!old) queue.onEvent('NodeAdd');
    else for (const event of nodeEvents(old, node)) queue.onEvent(event);
  };
}
