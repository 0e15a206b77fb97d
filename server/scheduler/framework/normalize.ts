// kube-scheduler's DefaultNormalizeScore: scales raw scores so the highest becomes MAX_NODE_SCORE
// (or, reversed, so the highest becomes 0) — for plugins whose raw scores are counts or weights.

import { MAX_NODE_SCORE } from './interface';

export function defaultNormalizeScore(scores: number[], reverse: boolean, max = MAX_NODE_SCORE): void {
  let highest = 0;
  for (const s of scores) if (s > highest) highest = s;
  if (highest === 0) {
    if (reverse) scores.fill(max);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const scaled = Math.trunc((max * (scores[i] ?? 0)) / highest);
    scores[i] = reverse ? max - scaled : scaled;
  }
}
