// Pod validation, table-driven: a valid pod, then one broken rule per case with Kubernetes' message;
// and pod updates (only images, activeDeadlineSeconds, added tolerations may change).

import { expectProblems, problems, type Obj } from './testing';

const container = (extra: Obj = {}): Obj => ({ name: 'app', image: 'busybox:1', ...extra });
const pod = (spec: Obj = {}, meta: Obj = {}): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', ...meta },
  spec: { containers: [container()], ...spec },
});
const withContainer = (extra: Obj, spec: Obj = {}): Obj => pod({ containers: [container(extra)], ...spec });

describe('Pod', () => {
  it('accepts a full, valid pod', () => {
    expectProblems(
      problems(
        pod({
          initContainers: [{ name: 'init', image: 'busybox:1', command: ['true'] }, { name: 'sidecar', image: 'busybox:1', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 80 } } }],
          containers: [
            container({
              ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 53, protocol: 'UDP', hostPort: 5353 }],
              env: [{ name: 'A', value: '1' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }, { name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
              envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }],
              resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi', 'example.com/gpu': 1 } },
              volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cfg', mountPath: '/etc/app', subPath: 'app' }],
              livenessProbe: { httpGet: { port: 'http', path: '/healthz' } },
              securityContext: { runAsUser: 1000, capabilities: { drop: ['ALL'] } },
            }),
          ],
          volumes: [{ name: 'data', emptyDir: { sizeLimit: '1Gi' } }, { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'a', path: 'a.conf' }] } }],
          nodeSelector: { 'kubernetes.io/arch': 'arm64' },
          tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }, { operator: 'Exists' }],
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }],
        }),
      ),
      [],
    );
  });

  it.each<[string, Obj, string[]]>([
    ['no containers', pod({ containers: [] }), ['spec.containers: Required value']],
    ['an invalid name', pod({}, { name: 'Web_1' }), ['metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of']],
    ['no namespace', pod({}, { namespace: undefined }), ['metadata.namespace: Required value']],
    ['a bad label', pod({}, { labels: { app: 'x y' } }), ['metadata.labels: Invalid value: "x y": a valid label must be an empty string']],
    ['a container name that is not a DNS label', withContainer({ name: 'App' }), ['spec.containers[0].name: Invalid value: "App": a lowercase RFC 1123 label must consist of']],
    ['duplicate container names across init and regular', pod({ initContainers: [container()] }), ['spec.containers[0].name: Duplicate value: "app"']],
    ['no image', withContainer({ image: '' }), ['spec.containers[0].image: Required value']],
    ['an image with spaces around', withContainer({ image: ' busybox' }), ['spec.containers[0].image: Invalid value: " busybox": must not have leading or trailing whitespace']],
    ['a bad pull policy', withContainer({ imagePullPolicy: 'Sometimes' }), ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"']],
    ['a port out of range', withContainer({ ports: [{ containerPort: 70000 }] }), ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['a hostPort out of range', withContainer({ ports: [{ containerPort: 80, hostPort: -1 }] }), ['spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive']],
    ['a bad protocol', withContainer({ ports: [{ containerPort: 80, protocol: 'HTTP' }] }), ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']],
    ['a bad port name', withContainer({ ports: [{ containerPort: 80, name: 'http--x' }] }), ['spec.containers[0].ports[0].name: Invalid value: "http--x": must not contain consecutive hyphens']],
    [
      'a host port used twice',
      pod({ containers: [container({ ports: [{ containerPort: 80, hostPort: 8080 }] }), container({ name: 'b', ports: [{ containerPort: 81, hostPort: 8080 }] })] }),
      ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"'],
    ],
    ['hostPort ≠ containerPort on the host network', withContainer({ ports: [{ containerPort: 80, hostPort: 81 }] }, { hostNetwork: true }), ['spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true']],
    ['a bad env var name', withContainer({ env: [{ name: '1A', value: 'x' }] }), ['spec.containers[0].env[0].name: Invalid value: "1A": a valid environment variable name must consist of']],
    ['valueFrom with two sources', withContainer({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' }, secretKeyRef: { name: 's', key: 'k' } } }] }), ['spec.containers[0].env[0].valueFrom: Invalid value: ["fieldRef","secretKeyRef"]: may not have more than one field specified at a time']],
    ['valueFrom with no source', withContainer({ env: [{ name: 'A', valueFrom: {} }] }), ['spec.containers[0].env[0].valueFrom: Invalid value: {}: must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`']],
    ['value and valueFrom', withContainer({ env: [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }), ['spec.containers[0].env[0].valueFrom: Invalid value: ["fieldRef"]: may not be specified when `value` is not empty']],
    ['an unsupported fieldRef path', withContainer({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.hostname' } } }] }), ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.hostname": supported values: "metadata.name", "metadata.namespace"']],
    ['a secretKeyRef without key', withContainer({ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's' } } }] }), ['spec.containers[0].env[0].valueFrom.secretKeyRef.key: Required value']],
    ['envFrom with both refs', withContainer({ envFrom: [{ configMapRef: { name: 'a' }, secretRef: { name: 'b' } }] }), ['spec.containers[0].envFrom[0]: Invalid value: ["configMapRef","secretRef"]: may not have more than one field specified at a time']],
    [
      'a bad quantity',
      withContainer({ resources: { limits: { memory: '12XB' } } }),
      // A Pod's requests default to its limits, so the bad value is reported twice, as Kubernetes does.
      [
        'spec.containers[0].resources.limits.memory: Invalid value: "12XB": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
        'spec.containers[0].resources.requests.memory: Invalid value: "12XB": quantities must match the regular expression',
      ],
    ],
    ['requests above limits', withContainer({ resources: { requests: { cpu: '2' }, limits: { cpu: '1000m' } } }), ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']],
    ['a negative request', withContainer({ resources: { requests: { memory: '-1Mi' } } }), ['spec.containers[0].resources.requests.memory: Invalid value: "-1Mi": must be greater than or equal to 0']],
    [
      'an unqualified extended resource',
      withContainer({ resources: { limits: { gpu: '1' } } }),
      ['spec.containers[0].resources.limits.gpu: Invalid value: "gpu": must be a standard resource type or fully qualified', 'spec.containers[0].resources.requests.gpu: Invalid value: "gpu"'],
    ],
    ['extended resource requests ≠ limits', withContainer({ resources: { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '2' } } }), ['spec.containers[0].resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2']],
    ['a probe without handler', withContainer({ livenessProbe: { periodSeconds: 5 } }), ['spec.containers[0].livenessProbe: Required value: must specify a handler type']],
    ['a probe with two handlers', withContainer({ readinessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } } }), ['spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type']],
    ['a negative probe number', withContainer({ livenessProbe: { exec: { command: ['true'] }, initialDelaySeconds: -5 } }), ['spec.containers[0].livenessProbe.initialDelaySeconds: Invalid value: -5: must be greater than or equal to 0']],
    ['a liveness successThreshold ≠ 1', withContainer({ livenessProbe: { exec: { command: ['true'] }, successThreshold: 2 } }), ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1']],
    ['an httpGet port 0', withContainer({ livenessProbe: { httpGet: { port: 0 } } }), ['spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['an httpGet scheme', withContainer({ livenessProbe: { httpGet: { port: 80, scheme: 'FTP' } } }), ['spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"']],
    ['a probe on an init container', pod({ initContainers: [{ name: 'i', image: 'x:1', livenessProbe: { exec: { command: ['true'] } } }] }), ['spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always']],
    ['restartPolicy on a regular container', withContainer({ restartPolicy: 'Always' }), ['spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers']],
    ['duplicate volume names', pod({ volumes: [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }] }), ['spec.volumes[1].name: Duplicate value: "v"']],
    ['a volume with two sources', pod({ volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }] }), ['spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type']],
    ['a bad hostPath type', pod({ volumes: [{ name: 'v', hostPath: { path: '/x', type: 'Folder' } }] }), ['spec.volumes[0].hostPath.type: Unsupported value: "Folder": supported values: "", "BlockDevice"']],
    ['a secret volume without secretName', pod({ volumes: [{ name: 'v', secret: {} }] }), ['spec.volumes[0].secret.secretName: Required value']],
    ['a defaultMode over 0777', pod({ volumes: [{ name: 'v', configMap: { name: 'c', defaultMode: 1000 } }] }), ['spec.volumes[0].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive']],
    ['an item path with ..', pod({ volumes: [{ name: 'v', configMap: { name: 'c', items: [{ key: 'a', path: '../a' }] } }] }), ["spec.volumes[0].configMap.items[0].path: Invalid value: \"../a\": must not contain '..'"]],
    ['a mount of a missing volume', withContainer({ volumeMounts: [{ name: 'data', mountPath: '/data' }] }), ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
    ['a relative mountPath', withContainer({ volumeMounts: [{ name: 'v', mountPath: 'data' }] }, { volumes: [{ name: 'v', emptyDir: {} }] }), ['spec.containers[0].volumeMounts[0].mountPath: Invalid value: "data": must be an absolute path']],
    ['a bad restartPolicy', pod({ restartPolicy: 'Sometimes' }), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    ['a bad dnsPolicy', pod({ dnsPolicy: 'Google' }), ['spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']],
    ['dnsPolicy None without dnsConfig', pod({ dnsPolicy: 'None' }), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']],
    ['a negative grace period', pod({ terminationGracePeriodSeconds: -1 }), ['spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0']],
    ['activeDeadlineSeconds 0', pod({ activeDeadlineSeconds: 0 }), ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']],
    ['a toleration without key and not Exists', pod({ tolerations: [{ operator: 'Equal', value: 'x' }] }), ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty']],
    ['a toleration with a bad effect', pod({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoRun' }] }), ['spec.tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']],
    ['tolerationSeconds without NoExecute', pod({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }] }), ["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"]],
    [
      'a node affinity operator',
      pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Near', values: ['a'] }] }] } } } }),
      ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator'],
    ],
    ['a preference weight of 0', pod({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } } }), ['spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100']],
    ['a pod affinity term without topologyKey', pod({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { a: 'b' } } }] } } }), ['spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty']],
    [
      'a topology spread maxSkew 0 and a bad whenUnsatisfiable',
      pod({ topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }] }),
      ['spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero', 'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"'],
    ],
    ['shareProcessNamespace with hostPID', pod({ shareProcessNamespace: true, hostPID: true }), ['spec.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled']],
    ['privileged without privilege escalation', withContainer({ securityContext: { privileged: true, allowPrivilegeEscalation: false } }), ['spec.containers[0].securityContext: Invalid value: {"privileged":true,"allowPrivilegeEscalation":false}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true']],
  ])('refuses %s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });
});

describe('Pod updates', () => {
  const bound = pod({ nodeName: 'n1', tolerations: [{ key: 'a', operator: 'Exists' }], activeDeadlineSeconds: 100 }, { labels: { app: 'web' } });

  it.each<[string, Obj]>([
    ['an image change', { ...bound, spec: { ...(bound.spec as Obj), containers: [container({ image: 'busybox:2' })] } }],
    ['a lower activeDeadlineSeconds', { ...bound, spec: { ...(bound.spec as Obj), activeDeadlineSeconds: 50 } }],
    ['an added toleration', { ...bound, spec: { ...(bound.spec as Obj), tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }] } }],
    ['new labels', { ...bound, metadata: { ...(bound.metadata as Obj), labels: { app: 'web', extra: 'yes' } } }],
  ])('allows %s', (_name, next) => {
    expectProblems(problems(next, bound), []);
  });

  it.each<[string, Obj, string[]]>([
    [
      'a nodeName change',
      { ...bound, spec: { ...(bound.spec as Obj), nodeName: 'n2' } },
      ['spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative): changed spec.nodeName: "n1" → "n2"'],
    ],
    ['a container env change', { ...bound, spec: { ...(bound.spec as Obj), containers: [container({ env: [{ name: 'A', value: '1' }] })] } }, ['spec: Forbidden: pod updates may not change fields other than']],
    ['an added container', { ...bound, spec: { ...(bound.spec as Obj), containers: [container(), container({ name: 'b' })] } }, ['spec.containers: Forbidden: pod updates may not add or remove containers']],
    ['a raised activeDeadlineSeconds', { ...bound, spec: { ...(bound.spec as Obj), activeDeadlineSeconds: 200 } }, ['spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value']],
    ['a removed toleration', { ...bound, spec: { ...(bound.spec as Obj), tolerations: [] } }, ['spec.tolerations[0]: Forbidden: existing toleration can not be modified except its tolerationSeconds']],
    ['a renamed namespace', { ...bound, metadata: { ...(bound.metadata as Obj), namespace: 'other' } }, ['metadata.namespace: Invalid value: "other": field is immutable']],
  ])('refuses %s', (_name, next, want) => {
    expectProblems(problems(next, bound), want);
  });
});
