// Helpers for end-to-end tests of devices joining a real server: wait for a Node to be Ready (and read what
// it reports), and a one-container Pod that says something and then waits for SIGTERM.

import { eventually, kubectlAsync } from './kubectl';

export interface NodeView {
  metadata: { labels: Record<string, string> };
  status: { nodeInfo: { architecture: string }; conditions: Array<{ type: string; status: string }> };
}

/** The Node once its Ready condition is True; rejects after `timeoutMs`. */
export async function readyNode(kubeconfig: string, name: string, timeoutMs = 60_000): Promise<NodeView> {
  let node: NodeView | undefined;
  await eventually(async () => {
    const r = await kubectlAsync(kubeconfig, ['get', 'node', name, '-o', 'json']);
    node = r.status === 0 ? (JSON.parse(r.stdout) as NodeView) : undefined;
    return node?.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  }, timeoutMs, `node ${name} Ready`);
  if (!node) throw new Error(`node ${name} vanished`);
  return node;
}

/** A Pod (JSON) whose container echoes `message` and then waits; `placement` is merged into its spec (nodeName, nodeSelector). */
export function sayingPod(name: string, image: string, placement: Record<string, unknown>, message: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      ...placement,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image, imagePullPolicy: 'Never', command: ['sh', '-c', `echo ${message}; trap 'exit 0' TERM; while true; do sleep 1; done`] }],
    },
  });
}

/** The pod's status.phase ("" when it does not exist). */
export async function podPhase(kubeconfig: string, name: string): Promise<string> {
  return (await kubectlAsync(kubeconfig, ['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).stdout;
}
