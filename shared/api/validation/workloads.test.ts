// Deployment, ReplicaSet and DaemonSet validation, table-driven, including the immutable selector.

import { expectProblems, problems, type Obj } from './testing';

const template = (spec: Obj = {}, labels: Obj = { app: 'web' }): Obj => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox:1' }], ...spec } });
const workload = (kind: string, spec: Obj = {}): Obj => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec },
});
const deploy = (spec: Obj = {}): Obj => workload('Deployment', spec);

describe('Deployment', () => {
  it.each<[string, Obj]>([
    ['a minimal deployment', deploy()],
    ['Recreate', deploy({ strategy: { type: 'Recreate' } })],
    ['maxSurge 0 with maxUnavailable 1', deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } })],
    ['a matchExpressions selector', deploy({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } })],
  ])('accepts %s', (_name, object) => {
    expectProblems(problems(object), []);
  });

  it.each<[string, Obj, string[]]>([
    ['negative replicas', deploy({ replicas: -3 }), ['spec.replicas: Invalid value: -3: must be greater than or equal to 0']],
    ['no selector', deploy({ selector: undefined }), ['spec.selector: Required value']],
    ['an empty selector', deploy({ selector: {} }), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']],
    ['a selector that does not match the template', deploy({ selector: { matchLabels: { app: 'api' } } }), ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']],
    ['template restartPolicy Never', deploy({ template: template({ restartPolicy: 'Never' }) }), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['a template without containers', deploy({ template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } }), ['spec.template.spec.containers: Required value']],
    ['a bad template image', deploy({ template: template({ containers: [{ name: 'c' }] }) }), ['spec.template.spec.containers[0].image: Required value']],
    ['maxSurge and maxUnavailable both 0', deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0']],
    ['both 0% too', deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: '0%' } } }), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0']],
    ['a bad percentage', deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'lots' } } }), ["spec.strategy.rollingUpdate.maxSurge: Invalid value: \"lots\": a valid percent string must be a numeric string followed by an ending '%'"]],
    ['maxUnavailable over 100%', deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%' } } }), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%']],
    ['rollingUpdate with Recreate', deploy({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }), ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]],
    ['an unknown strategy', deploy({ strategy: { type: 'BlueGreen' } }), ['spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"']],
    ['progressDeadlineSeconds ≤ minReadySeconds', deploy({ minReadySeconds: 30, progressDeadlineSeconds: 30 }), ['spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds']],
    ['a negative revisionHistoryLimit', deploy({ revisionHistoryLimit: -1 }), ['spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0']],
    ['a bad template label', deploy({ selector: { matchLabels: { app: 'web' } }, template: template({}, { app: 'web', 'bad/key/x': 'v' }) }), ['spec.template.metadata.labels: Invalid value: "bad/key/x": a qualified name must consist of']],
  ])('refuses %s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });

  it('refuses a selector change on update, accepts a template change', () => {
    const before = deploy();
    const moved = deploy({ selector: { matchLabels: { app: 'web', tier: 'x' } }, template: template({}, { app: 'web', tier: 'x' }) });
    expectProblems(problems(moved, before), ['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable']);
    expectProblems(problems(deploy({ replicas: 5, template: template({ containers: [{ name: 'c', image: 'busybox:2' }] }) }), before), []);
  });
});

describe('ReplicaSet', () => {
  it.each<[string, Obj, string[]]>([
    ['a valid replica set', workload('ReplicaSet'), []],
    ['negative replicas', workload('ReplicaSet', { replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['an empty selector', workload('ReplicaSet', { selector: { matchLabels: {} } }), ['spec.selector: Invalid value: {"matchLabels":{}}: empty selector is invalid for deployment']],
    ['activeDeadlineSeconds in the template', workload('ReplicaSet', { template: template({ activeDeadlineSeconds: 10 }) }), ['spec.template.spec.activeDeadlineSeconds: Invalid value: 10: activeDeadlineSeconds in ReplicaSet is not Supported']],
  ])('%s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });

  it('keeps the selector immutable', () => {
    const next = workload('ReplicaSet', { selector: { matchLabels: { app: 'web', v: '2' } }, template: template({}, { app: 'web', v: '2' }) });
    expectProblems(problems(next, workload('ReplicaSet')), ['spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable']);
  });
});

describe('DaemonSet', () => {
  const ds = (spec: Obj = {}): Obj => workload('DaemonSet', spec);
  it.each<[string, Obj, string[]]>([
    ['a valid daemon set', ds(), []],
    ['OnDelete', ds({ updateStrategy: { type: 'OnDelete' } }), []],
    ['an empty selector', ds({ selector: {} }), ['spec.selector: Invalid value: {}: empty selector is invalid for daemonset']],
    ['a mismatched template', ds({ template: template({}, { app: 'other' }) }), ['spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`']],
    ['restartPolicy OnFailure', ds({ template: template({ restartPolicy: 'OnFailure' }) }), ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']],
    ['maxSurge and maxUnavailable both set', ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }), ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero']],
    ['both 0', ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }), ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']],
    ['an unknown strategy', ds({ updateStrategy: { type: 'Rolling' } }), ['spec.updateStrategy.type: Unsupported value: "Rolling": supported values: "RollingUpdate", "OnDelete"']],
  ])('%s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });
});

describe('ControllerRevision', () => {
  const rev = (fields: Obj = {}): Obj => ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'agent-5d8f9', namespace: 'default' }, data: { spec: { template: { $patch: 'replace' } } }, revision: 1, ...fields });
  it.each<[string, Obj, Obj | undefined, string[]]>([
    ['a valid revision', rev(), undefined, []],
    ['revision 0', rev({ revision: 0 }), undefined, []],
    ['no data', rev({ data: undefined }), undefined, ['data: Required value: data is mandatory']],
    ['a negative revision', rev({ revision: -2 }), undefined, ['revision: Invalid value: -2: must be greater than or equal to 0']],
    ['a fractional revision', rev({ revision: 1.5 }), undefined, ['revision: Invalid value: 1.5: must be an integer']],
    ['a name that is not a DNS subdomain', rev({ metadata: { name: 'Agent_1', namespace: 'default' } }), undefined, ['metadata.name: Invalid value: "Agent_1"']],
    ['a revision bump on update', rev({ revision: 7 }), rev(), []],
    ['a data change on update', rev({ data: { spec: {} } }), rev(), ['data: Invalid value: {"spec":{}}: field is immutable']],
  ])('%s', (_name, object, old, want) => {
    expectProblems(problems(object, old), want);
  });
});
