// ImageLocality: prefer nodes that already hold the pod's images — a device pays for every pull
// with its link and its SD card. kube-scheduler's formula: the sizes of the images present, each
// scaled by the share of nodes holding it (so one node with the image does not attract everything),
// mapped linearly from 23 MiB…1000 MiB per container onto 0…100. When every image is on every node
// or on none, all nodes would score alike and the plugin skips itself.

import { StateKey } from '../../framework/cycle-state';
import type { PreScorePlugin, ScorePlugin } from '../../framework/interface';
import { MAX_NODE_SCORE } from '../../framework/interface';
import { normalizeImageName } from '../../framework/node-info';
import { SKIP, SUCCESS } from '../../framework/status';

const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

interface Wanted {
  /** normalized image → share of all nodes holding it. */
  spread: Map<string, number>;
  containers: number;
}
const WANTED = new StateKey<Wanted>('ImageLocality/wanted');

export function imageLocalityScore(sumScores: number, containers: number): number {
  const max = MAX_CONTAINER_THRESHOLD * containers;
  const clamped = Math.min(Math.max(sumScores, MIN_THRESHOLD), max);
  return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
}

export const ImageLocality = {
  name: 'ImageLocality',
  preScore(state, pod, _nodes, snapshot) {
    const total = snapshot.nodes.length;
    const spread = new Map<string, number>();
    const containers = [...(pod.pod.spec.initContainers ?? []), ...pod.pod.spec.containers];
    let telling = false;
    for (const c of containers) {
      if (!c.image) continue;
      const image = normalizeImageName(c.image);
      const holders = snapshot.imageNodeCount(image);
      spread.set(image, total > 0 ? holders / total : 0);
      if (holders > 0 && holders < total) telling = true;
    }
    // Images on no node, or on every node, score every node alike: nothing to rank by.
    if (!telling) return SKIP;
    state.write(WANTED, { spread, containers: containers.length });
    return SUCCESS;
  },
  score(state, _pod, node) {
    const wanted = state.read(WANTED);
    if (!wanted || node.imageSizes.size === 0) return 0;
    let sum = 0;
    for (const [image, share] of wanted.spread) {
      const size = node.imageSizes.get(image);
      if (size !== undefined) sum += Math.trunc(size * share);
    }
    return imageLocalityScore(sum, wanted.containers);
  },
} as const satisfies PreScorePlugin & ScorePlugin;
