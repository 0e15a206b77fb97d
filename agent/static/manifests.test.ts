// Manifest dir parsing: several documents per file, Pods with content-hashed uids and node-suffixed names,
// ConfigMaps and Secrets, and a clear problem per bad document that never holds the good ones back.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readManifests, staticPod } from './manifests';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-manifests-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: main
    image: localhost/x:1
`;

describe('readManifests', () => {
  it('reads pods, ConfigMaps and Secrets from multi-document files, skipping other files', async () => {
    writeFileSync(path.join(dir, 'web.yaml'), `${POD}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n---\n`);
    writeFileSync(path.join(dir, 'secret.yml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: apps}\nstringData: {k: v}\n');
    writeFileSync(path.join(dir, 'README.txt'), 'not a manifest');
    writeFileSync(path.join(dir, '.web.yaml.swp'), 'garbage: [');
    const set = await readManifests(dir, 'pi-1');
    expect(set.problems).toEqual([]);
    expect(set.pods.map((p) => [p.metadata.namespace, p.metadata.name, p.spec.nodeName, p.spec.restartPolicy])).toEqual([['default', 'web-pi-1', 'pi-1', 'Always']]);
    expect(set.pods[0]?.metadata.uid).toMatch(/^[0-9a-f]{32}$/);
    expect(set.pods[0]?.metadata.annotations).toMatchObject({ 'kubernetes.io/config.source': 'file', 'kubernetes.io/config.hash': set.pods[0]?.metadata.uid });
    expect(set.configMaps.map((c) => `${c.metadata.namespace}/${c.metadata.name}`)).toEqual(['default/cfg']);
    expect(set.secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual(['apps/s']);
  });

  it('reports each bad document clearly and keeps the good ones', async () => {
    writeFileSync(path.join(dir, 'a.yaml'), `${POD}---\nkind: Pod\nmetadata: {name: [oops\n`);
    writeFileSync(path.join(dir, 'b.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\n- just\n- a list\n---\napiVersion: v1\nkind: Pod\nspec: {}\n');
    writeFileSync(path.join(dir, 'c.yaml'), POD);
    const set = await readManifests(dir, 'n');
    expect(set.pods.map((p) => p.metadata.name)).toEqual(['web-n']);
    expect(set.problems.map((p) => `${p.file}#${p.document}: ${p.message}`)).toEqual([
      expect.stringMatching(/^a\.yaml#2: not valid YAML: /),
      'b.yaml#1: Deployment "d": apiVersion "apps/v1" kind "Deployment" is not supported here (v1 Pod, ConfigMap, Secret)',
      'b.yaml#2: not a Kubernetes object (expected a mapping with apiVersion and kind)',
      'b.yaml#3: Pod (no name): metadata.name: Required value',
      'c.yaml#1: Pod "web": duplicate of the pod in a.yaml; ignored',
    ]);
  });
});

describe('staticPod', () => {
  it('gives a new uid when the manifest or the node changes, the same one otherwise', () => {
    const manifest = { apiVersion: 'v1' as const, kind: 'Pod' as const, metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i:1' }] } };
    const uid = staticPod(manifest, 'n1').metadata.uid;
    expect(staticPod(JSON.parse(JSON.stringify(manifest)), 'n1').metadata.uid).toBe(uid);
    expect(staticPod(manifest, 'n2').metadata.uid).not.toBe(uid);
    expect(staticPod({ ...manifest, spec: { containers: [{ name: 'c', image: 'i:2' }] } }, 'n1').metadata.uid).not.toBe(uid);
    expect(manifest.metadata).toEqual({ name: 'p' });
  });
});
