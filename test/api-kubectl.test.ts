// The real kubectl (v1.32) against the real `flotilla server` process (HTTPS, NeDB store, token
// auth): discovery, OpenAPI-validated apply of a multi-document manifest, re-apply, strategic-merge
// updates that keep sibling list entries, watch, describe, delete and a viewer refused.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKubeconfig, renderKubeconfig } from '../server/auth/kubeconfig';
import { eventually, kubectlAsync, kubectlAsyncOk, kubectlBackground } from './helpers/kubectl';
import { FLOTILLA_BIN, startServerProcess, stopAll } from './helpers/server-process';

jest.setTimeout(120_000);

const kubectl = kubectlAsync;
const kubectlOk = kubectlAsyncOk;

interface ApiServer {
  dir: string;
  kubeconfig: string;
  viewerKubeconfig: string;
  close(): Promise<void>;
}

/** Starts `flotilla server` on an ephemeral port; the viewer kubeconfig carries a token from `flotilla token create`. */
async function startApiServer(): Promise<ApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-api-kubectl-'));
  const dataDir = join(dir, 'data');
  const server = await startServerProcess(dataDir);
  const minted = spawnSync(process.execPath, [FLOTILLA_BIN, 'token', 'create', '--role', 'viewer', '--data-dir', dataDir], { encoding: 'utf8' });
  if (minted.status !== 0) throw new Error(`flotilla token create failed: ${minted.stderr}`);
  const admin = readKubeconfig(server.kubeconfig);
  const viewerKubeconfig = join(dir, 'viewer.kubeconfig');
  writeFileSync(viewerKubeconfig, renderKubeconfig({ server: admin.server, caPem: readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8'), token: minted.stdout.trim(), user: 'viewer' }), { mode: 0o600 });
  return {
    dir,
    kubeconfig: server.kubeconfig,
    viewerKubeconfig,
    close: async () => {
      await server.stop();
      stopAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function manifest(envB: string, sidecarImage: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: busybox:1
        env:
        - {name: A, value: "1"}
        - {name: B, value: "${envB}"}
        ports:
        - containerPort: 8080
      - name: sidecar
        image: ${sidecarImage}
        command: ["sleep", "3600"]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports:
  - {port: 80, targetPort: 8080}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: default}
data: {key: value}
---
apiVersion: v1
kind: Secret
metadata: {name: web-secret, namespace: default}
stringData: {password: hunter2}
`;
}

interface Container {
  name: string;
  image: string;
  env?: { name: string; value: string }[];
}

describe('real kubectl against the API', () => {
  let api: ApiServer;
  let kc: string;
  let file: (name: string, content: string) => string;
  const background: { stop: () => void }[] = [];

  beforeAll(async () => {
    api = await startApiServer();
    kc = api.kubeconfig;
    file = (name, content) => {
      const p = join(api.dir, name);
      writeFileSync(p, content);
      return p;
    };
  });

  afterAll(async () => {
    for (const b of background) b.stop();
    await api?.close();
  });

  it('lists namespaces and (no) nodes', async () => {
    const ns = await kubectlOk(kc, ['get', 'ns']);
    expect(ns).toMatch(/^NAME\s+STATUS\s+AGE/);
    expect(ns).toMatch(/default\s+Active/);
    const nodes = await kubectl(kc, ['get', 'nodes']);
    expect(nodes.status).toBe(0);
    expect(nodes.stderr).toContain('No resources found');
  });

  it('applies a multi-document manifest with server-side field validation, then re-applies it unchanged', async () => {
    const path = file('app.yaml', manifest('2', 'busybox:1'));
    const out = await kubectlOk(kc, ['apply', '-f', path]);
    expect(out).toContain('deployment.apps/web created');
    expect(out).toContain('service/web created');
    expect(out).toContain('configmap/web-config created');
    expect(out).toContain('secret/web-secret created');
    const again = await kubectlOk(kc, ['apply', '-f', path]);
    expect(again).toContain('deployment.apps/web unchanged');
    expect(again).toContain('service/web unchanged');
    expect(again).toContain('configmap/web-config unchanged');
  });

  it('re-applies a changed env value and sidecar image, keeping the other container and env entries', async () => {
    const out = await kubectlOk(kc, ['apply', '-f', file('app2.yaml', manifest('22', 'busybox:2'))]);
    expect(out).toContain('deployment.apps/web configured');
    const deploy = JSON.parse(await kubectlOk(kc, ['get', 'deploy', 'web', '-o', 'json'])) as { spec: { template: { spec: { containers: Container[] } } } };
    const [app, sidecar] = deploy.spec.template.spec.containers;
    expect(app).toMatchObject({ name: 'app', image: 'busybox:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '22' }] });
    expect(sidecar).toMatchObject({ name: 'sidecar', image: 'busybox:2' });
  });

  it('rejects an unknown field under kubectl apply (Strict field validation)', async () => {
    const bad = manifest('22', 'busybox:2').replace('replicas: 2', 'replicas: 2\n  foo: bar');
    const r = await kubectl(kc, ['apply', '-f', file('bad.yaml', bad)]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('strict decoding error: unknown field "spec.foo"');
  });

  it('refuses invalid objects with Kubernetes validation messages, and unknown fields deep in a pod template', async () => {
    const invalid = manifest('22', 'busybox:2').split('---')[0]?.replace('name: web\n', 'name: broken\n').replace('replicas: 2', 'replicas: -1') ?? '';
    const r = await kubectl(kc, ['apply', '-f', file('invalid.yaml', invalid)]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('The Deployment "broken" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    const deep = manifest('22', 'busybox:2').replace('command: ["sleep", "3600"]', 'command: ["sleep", "3600"]\n        securityContext: {superuser: true}');
    const u = await kubectl(kc, ['apply', '-f', file('deep.yaml', deep)]);
    expect(u.status).not.toBe(0);
    expect(u.stderr).toContain('unknown field "spec.template.spec.containers[1].securityContext.superuser"');
  });

  it('re-applies a strategy switch to Recreate ($retainKeys) and a container reorder ($setElementOrder)', async () => {
    const order = (strategy: string, names: string[]): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: order, namespace: default}
spec:
  selector: {matchLabels: {app: order}}
  strategy: ${strategy}
  template:
    metadata: {labels: {app: order}}
    spec:
      containers:
${names.map((n) => `      - {name: ${n}, image: "busybox:1", command: ["sleep", "3600"]}`).join('\n')}
`;
    await kubectlOk(kc, ['apply', '-f', file('order1.yaml', order('{type: RollingUpdate, rollingUpdate: {maxSurge: 1}}', ['a', 'b', 'c']))]);
    await kubectlOk(kc, ['apply', '-f', file('order2.yaml', order('{type: Recreate}', ['c', 'a']))]);
    const live = JSON.parse(await kubectlOk(kc, ['get', 'deploy', 'order', '-o', 'json'])) as { spec: { strategy: unknown; template: { spec: { containers: Container[] } } } };
    expect(live.spec.strategy).toEqual({ type: 'Recreate' });
    expect(live.spec.template.spec.containers.map((c) => c.name)).toEqual(['c', 'a']);
    await kubectlOk(kc, ['delete', 'deploy', 'order']);
  });

  it('prints the deployment as YAML and describes it', async () => {
    const yaml = await kubectlOk(kc, ['get', 'deploy', 'web', '-o', 'yaml']);
    expect(yaml).toContain('kind: Deployment');
    expect(yaml).toContain('name: web');
    const describe = await kubectlOk(kc, ['describe', 'deploy', 'web']);
    expect(describe).toMatch(/Name:\s+web/);
    expect(describe).toContain('busybox:2');
    expect(describe).toMatch(/B:\s+22/);
  });

  it('prints the usual kubectl columns for deployments, nodes and services', async () => {
    // The server runs the Deployment controller: its ReplicaSet and pods exist, but no kubelet runs them (UP-TO-DATE counts pods created).
    expect(await kubectlOk(kc, ['get', 'deploy'])).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+0\/2\s+[0-2]\s+0\s+\S+/m);
    const node = file('node.yaml', 'apiVersion: v1\nkind: Node\nmetadata:\n  name: pi-1\n  labels: {node-role.kubernetes.io/edge: ""}\nstatus:\n  nodeInfo: {kubeletVersion: flotilla-0.1.0}\n');
    await kubectlOk(kc, ['apply', '-f', node]);
    expect(await kubectlOk(kc, ['get', 'nodes'])).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\npi-1\s+\S+\s+edge\s+\S+\s+/m);
    expect(await kubectlOk(kc, ['get', 'svc', 'web'])).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nweb\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP\s+/m);
    await kubectlOk(kc, ['delete', 'node', 'pi-1']);
  });

  it('streams a pod creation to `kubectl get pods -A -w`', async () => {
    await kubectlOk(kc, ['run', 'first', '--image=busybox', '--restart=Never', '--', 'sleep', '60']);
    const watch = kubectlBackground(kc, ['get', 'pods', '-A', '-w', '--request-timeout=0']);
    background.push(watch);
    await eventually(() => /default\s+first\s+0\/1\s+Pending/.test(watch.output()), 10_000, 'the watch to list the first pod');
    await kubectlOk(kc, ['run', 'watched', '--image=busybox', '--restart=Never', '--', 'sleep', '60']);
    await eventually(() => /default\s+watched\s+0\/1\s+Pending/.test(watch.output()), 10_000, 'the watch to print the new pod');
    watch.stop();
  });

  it('refuses writes with a viewer token (403) but lets it read', async () => {
    const r = await kubectl(api.viewerKubeconfig, ['apply', '-f', file('viewer.yaml', manifest('99', 'busybox:3'))]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/deployments\.apps "web" is forbidden: User "token:[a-z0-9]+" cannot patch resource "deployments" in API group "apps" in the namespace "default"/);
    expect(await kubectlOk(api.viewerKubeconfig, ['get', 'deploy'])).toContain('web');
  });

  it('deletes everything of the manifest with `kubectl delete -f`', async () => {
    const out = await kubectlOk(kc, ['delete', '-f', join(api.dir, 'app2.yaml')]);
    expect(out).toContain('deployment.apps "web" deleted');
    expect(out).toContain('secret "web-secret" deleted');
    const r = await kubectl(kc, ['get', 'deploy', 'web']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('deployments.apps "web" not found');
  });
});
