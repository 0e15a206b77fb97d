// The OpenAPI expansion of the shared schema table: patch extensions kubectl reads, and the field
// tables that replaced free-form objects reachable from the kinds' documents.

import { allComponents, componentClosure } from './schemas';

type Schema = { properties?: Record<string, Record<string, unknown>> };

describe('OpenAPI component schemas', () => {
  const all = allComponents() as Map<string, Schema>;

  it('carries merge keys and patch strategies as kubectl expects them', () => {
    const podSpec = all.get('io.k8s.api.core.v1.PodSpec')?.properties ?? {};
    expect(podSpec.volumes).toMatchObject({ type: 'array', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge,retainKeys' });
    expect(podSpec.tolerations).toEqual({ type: 'array', items: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Toleration' }], default: {} } });
    const container = all.get('io.k8s.api.core.v1.Container')?.properties ?? {};
    expect(container.ports).toMatchObject({ 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-patch-strategy': 'merge' });
    expect(container.securityContext).toEqual({ allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.SecurityContext' }], default: {} });
    expect(all.get('io.k8s.api.apps.v1.DeploymentSpec')?.properties?.strategy).toMatchObject({ 'x-kubernetes-patch-strategy': 'retainKeys' });
    expect(all.get('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')?.properties?.finalizers).toEqual({ type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-patch-strategy': 'merge' });
  });

  it('reaches the new field tables from the Pod and CronJob documents', () => {
    const pod = Object.keys(componentClosure(['io.k8s.api.core.v1.Pod']));
    expect(pod).toEqual(expect.arrayContaining(['io.k8s.api.core.v1.SecurityContext', 'io.k8s.api.core.v1.HTTPGetAction', 'io.k8s.api.core.v1.EnvVarSource', 'io.k8s.api.core.v1.Affinity', 'io.k8s.api.core.v1.ContainerStatus']));
    const cron = Object.keys(componentClosure(['io.k8s.api.batch.v1.CronJob']));
    expect(cron).toEqual(expect.arrayContaining(['io.k8s.api.batch.v1.JobSpec', 'io.k8s.api.batch.v1.PodFailurePolicyRule', 'io.k8s.api.core.v1.PodSpec']));
    expect(all.get('io.k8s.api.core.v1.Volume')?.properties?.nfs).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });
});
