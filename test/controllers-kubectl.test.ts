// The workload controllers through the real kubectl (v1.32) against the API on a real store, with
// simulated kubelets: `rollout status|history|undo|restart|pause|resume`, `scale`, DaemonSet
// rollout status, `wait` for a Job, `drain --ignore-daemonsets` / `uncordon` through the eviction
// subresource, Endpoints, and `delete --cascade=foreground|orphan|background`.

import { startSimCluster, type SimCluster } from './helpers/sim-cluster';
import { eventually } from './helpers/kubectl';

jest.setTimeout(120_000);

const deployment = (image: string, replicas = 3) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: ${image}
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`;

const daemonSet = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: camera-agent, namespace: default}
spec:
  selector: {matchLabels: {app: camera-agent}}
  template:
    metadata: {labels: {app: camera-agent}}
    spec:
      nodeSelector: {flotilla.io/camera: "true"}
      containers: [{name: agent, image: registry.local/camera-agent:v1}]
`;

const job = `apiVersion: batch/v1
kind: Job
metadata: {name: calibrate, namespace: default}
spec:
  completions: 3
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: task, image: registry.local/calibrate:v1}]
`;

describe('workload controllers with kubectl', () => {
  let c: SimCluster;

  beforeAll(async () => {
    c = await startSimCluster({ nodes: 3 });
  });

  afterAll(async () => {
    await c.close();
  });

  const image = async (): Promise<string> => c.kubectlOk(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);

  it('rollout status, history, undo, restart, pause/resume and scale work on a Deployment', async () => {
    await c.kubectlOk(['apply', '-f', '-'], deployment('registry.local/web:v1'));
    expect(await c.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain('deployment "web" successfully rolled out');

    await c.kubectlOk(['set', 'image', 'deployment/web', 'app=registry.local/web:v2']);
    expect(await c.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain('successfully rolled out');
    const history = await c.kubectlOk(['rollout', 'history', 'deployment/web']);
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    expect(await c.kubectlOk(['rollout', 'history', 'deployment/web', '--revision=1'])).toContain('registry.local/web:v1');

    expect(await c.kubectlOk(['rollout', 'undo', 'deployment/web'])).toContain('deployment.apps/web rolled back');
    expect(await c.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain('successfully rolled out');
    expect(await image()).toBe('registry.local/web:v1');
    expect(await c.kubectlOk(['rollout', 'history', 'deployment/web'])).toMatch(/\n2\s+<none>\n3\s+<none>/);
    // Old pods may still be Terminating when the rollout is done (as in Kubernetes); then they go.
    const images = async () => (await c.kubectlOk(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.containers[0].image}'])).trim();
    await eventually(async () => (await images()) === 'registry.local/web:v1 registry.local/web:v1 registry.local/web:v1', 30_000, 'only v1 pods left');

    expect(await c.kubectlOk(['rollout', 'restart', 'deployment/web'])).toContain('restarted');
    expect(await c.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain('successfully rolled out');
    const restarted = await c.kubectlOk(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}']);
    expect(restarted.trim().split(' ')).toHaveLength(3);

    await c.kubectlOk(['rollout', 'pause', 'deployment/web']);
    await c.kubectlOk(['set', 'image', 'deployment/web', 'app=registry.local/web:v3']);
    await c.kubectlOk(['scale', 'deployment/web', '--replicas=4']);
    await eventually(async () => (await c.kubectlOk(['get', 'deployment', 'web', '-o', 'jsonpath={.status.availableReplicas}'])) === '4', 30_000, 'scaled while paused');
    expect(await c.kubectlOk(['get', 'deployment', 'web', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}'])).toBe('DeploymentPaused');
    expect(await c.kubectlOk(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.containers[0].image}'])).not.toContain('v3');
    await c.kubectlOk(['rollout', 'resume', 'deployment/web']);
    expect(await c.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain('successfully rolled out');
    expect(await c.kubectlOk(['get', 'deployment', 'web'])).toMatch(/web\s+4\/4\s+4\s+4/);

    const ep = await c.kubectlOk(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[0].ports[0].port} {.subsets[0].addresses[*].ip}']);
    expect(ep.split(' ')).toHaveLength(5);
    expect(ep.startsWith('8080 ')).toBe(true);
  });

  it('a DaemonSet runs on the camera nodes and `rollout status` follows it', async () => {
    await c.kubectlOk(['label', 'node', 'node-0', 'node-2', 'flotilla.io/camera=true']);
    await c.kubectlOk(['apply', '-f', '-'], daemonSet);
    expect(await c.kubectlOk(['rollout', 'status', 'daemonset/camera-agent', '--timeout=60s'])).toContain('daemon set "camera-agent" successfully rolled out');
    expect(await c.kubectlOk(['get', 'pods', '-l', 'app=camera-agent', '-o', 'jsonpath={.items[*].spec.nodeName}'])).toMatch(/^node-[02] node-[02]$/);
    await c.kubectlOk(['set', 'image', 'daemonset/camera-agent', 'agent=registry.local/camera-agent:v2']);
    expect(await c.kubectlOk(['rollout', 'status', 'daemonset/camera-agent', '--timeout=60s'])).toContain('successfully rolled out');
  });

  it('a Job runs to completion (`kubectl wait --for=condition=complete`)', async () => {
    await c.kubectlOk(['apply', '-f', '-'], job);
    await c.kubectlOk(['wait', '--for=condition=complete', 'job/calibrate', '--timeout=60s']);
    expect(await c.kubectlOk(['get', 'job', 'calibrate', '-o', 'jsonpath={.status.succeeded}'])).toBe('3');
  });

  it('drain evicts a node\'s pods (skipping DaemonSet pods) and the Deployment recovers elsewhere; uncordon', async () => {
    const out = await c.kubectl(['drain', 'node-0', '--ignore-daemonsets', '--timeout=60s']);
    expect(out.stderr + out.stdout).toContain('node/node-0 drained');
    expect(out.stderr + out.stdout).toMatch(/ignoring DaemonSet-managed Pods: default\/camera-agent-/);
    expect(await c.kubectlOk(['get', 'node', 'node-0', '-o', 'jsonpath={.spec.unschedulable}'])).toBe('true');
    expect(await c.kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain('successfully rolled out');
    const where = await c.kubectlOk(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.nodeName}']);
    expect(where.split(' ')).toHaveLength(4);
    expect(where).not.toContain('node-0');
    expect(await c.kubectlOk(['get', 'pods', '-l', 'app=camera-agent', '--field-selector', 'spec.nodeName=node-0', '-o', 'name'])).toMatch(/camera-agent/);
    await c.kubectlOk(['uncordon', 'node-0']);
    expect(await c.kubectlOk(['get', 'node', 'node-0', '-o', 'jsonpath={.spec.unschedulable}'])).toBe('');
  });

  it('delete --cascade: orphan leaves the ReplicaSets, foreground waits until the pods are gone', async () => {
    const rsBefore = await c.kubectlOk(['get', 'rs', '-l', 'app=web', '-o', 'name']);
    await c.kubectlOk(['delete', 'deployment', 'web', '--cascade=orphan']);
    expect(await c.kubectlOk(['get', 'rs', '-l', 'app=web', '-o', 'name'])).toBe(rsBefore);
    expect(await c.kubectlOk(['get', 'rs', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.ownerReferences}'])).toBe('');
    await c.kubectlOk(['delete', 'rs', '-l', 'app=web', '--cascade=foreground']);
    expect(await c.kubectlOk(['get', 'pods', '-l', 'app=web', '-o', 'name'])).toBe('');
    await c.kubectlOk(['delete', 'daemonset', 'camera-agent']);
    await eventually(async () => (await c.kubectlOk(['get', 'pods', '-l', 'app=camera-agent', '-o', 'name'])) === '', 30_000, 'daemon pods gone (background)');
  });
});
