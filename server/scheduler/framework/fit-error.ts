// The FailedScheduling message, worded and ordered exactly as kube-scheduler's FitError.Error():
// "0/5 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 3 Insufficient memory."
// (Kubernetes sorts the "<count> <reason>" strings as plain strings, so order follows the text.)

export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';

/** `reasons`: reason phrase → number of nodes that gave it. `preFilterMessage` replaces the per-node histogram. */
export function fitErrorMessage(numAllNodes: number, reasons: ReadonlyMap<string, number>, preFilterMessage?: string): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (preFilterMessage) return `${message} ${preFilterMessage}.`;
  const histogram = [...reasons].map(([reason, count]) => `${count} ${reason}`);
  histogram.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (histogram.length > 0) message += ` ${histogram.join(', ')}.`;
  return message;
}
