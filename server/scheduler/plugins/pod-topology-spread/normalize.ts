// PodTopologySpread's NormalizeScore: fewer matching pods is better, so the lowest raw score maps to
// 100 and the highest to (min/max)·100; ignored nodes get 0. (kube-scheduler scoring.go.)

import { MAX_NODE_SCORE } from '../../framework/interface';

export function reverseMinMax(scores: number[], ignored?: (i: number) => boolean): void {
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < scores.length; i++) {
    if (ignored?.(i)) continue;
    const v = scores[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  for (let i = 0; i < scores.length; i++) {
    if (ignored?.(i)) scores[i] = 0;
    else if (max === 0) scores[i] = MAX_NODE_SCORE;
    else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - (scores[i] as number))) / max);
  }
}
