// The OpenAPI schemas of the served kinds as one compact table (field → type code), expanded to
// real OpenAPI v3 component schemas by schemas.ts. Only loaded when /openapi/v3 or field
// validation needs it. Type codes:
//   s string · i integer · b boolean · n number · t date-time · ios int-or-string · q quantity
//   o free-form object (its inside is not checked) · ms map of strings · mq map of quantities
//   Name  reference to another schema in this table (Name! = patch strategy retainKeys)
//   []X   list of X; []X@key = strategic-merge list keyed by `key` (@key! adds retainKeys);
//   []s+  list of scalars merged as a set

export type FieldTable = Record<string, string>;

/** Schema groups: component-name prefix → schemas. Short names are unique across groups. */
export const SCHEMA_GROUPS: Record<string, Record<string, FieldTable>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1': {
    ObjectMeta: {
      annotations: 'ms', creationTimestamp: 't', deletionGracePeriodSeconds: 'i', deletionTimestamp: 't', finalizers: '[]s+',
      generateName: 's', generation: 'i', labels: 'ms', managedFields: '[]o', name: 's', namespace: 's',
      ownerReferences: '[]OwnerReference@uid', resourceVersion: 's', selfLink: 's', uid: 's',
    },
    OwnerReference: { apiVersion: 's', blockOwnerDeletion: 'b', controller: 'b', kind: 's', name: 's', uid: 's' },
    LabelSelector: { matchExpressions: '[]LabelSelectorRequirement', matchLabels: 'ms' },
    LabelSelectorRequirement: { key: 's', operator: 's', values: '[]s' },
    Condition: { lastTransitionTime: 't', message: 's', observedGeneration: 'i', reason: 's', status: 's', type: 's' },
  },
  'io.k8s.api.core.v1': {
    ObjectReference: { apiVersion: 's', fieldPath: 's', kind: 's', name: 's', namespace: 's', resourceVersion: 's', uid: 's' },
    LocalObjectReference: { name: 's' },
    EnvVar: { name: 's', value: 's', valueFrom: 'o' },
    EnvFromSource: { configMapRef: 'o', prefix: 's', secretRef: 'o' },
    ContainerPort: { containerPort: 'i', hostIP: 's', hostPort: 'i', name: 's', protocol: 's' },
    VolumeMount: { mountPath: 's', mountPropagation: 's', name: 's', readOnly: 'b', recursiveReadOnly: 's', subPath: 's', subPathExpr: 's' },
    VolumeDevice: { devicePath: 's', name: 's' },
    ResourceRequirements: { claims: '[]o', limits: 'mq', requests: 'mq' },
    Probe: {
      exec: 'o', failureThreshold: 'i', grpc: 'o', httpGet: 'o', initialDelaySeconds: 'i', periodSeconds: 'i', successThreshold: 'i',
      tcpSocket: 'o', terminationGracePeriodSeconds: 'i', timeoutSeconds: 'i',
    },
    Container: {
      args: '[]s', command: '[]s', env: '[]EnvVar@name', envFrom: '[]EnvFromSource', image: 's', imagePullPolicy: 's', lifecycle: 'o',
      livenessProbe: 'Probe', name: 's', ports: '[]ContainerPort@containerPort', readinessProbe: 'Probe', resizePolicy: '[]o',
      resources: 'ResourceRequirements', restartPolicy: 's', securityContext: 'o', startupProbe: 'Probe', stdin: 'b', stdinOnce: 'b',
      terminationMessagePath: 's', terminationMessagePolicy: 's', tty: 'b', volumeDevices: '[]VolumeDevice@devicePath',
      volumeMounts: '[]VolumeMount@mountPath', workingDir: 's',
    },
    Volume: {
      name: 's', awsElasticBlockStore: 'o', azureDisk: 'o', azureFile: 'o', cephfs: 'o', cinder: 'o', configMap: 'o', csi: 'o',
      downwardAPI: 'o', emptyDir: 'o', ephemeral: 'o', fc: 'o', flexVolume: 'o', flocker: 'o', gcePersistentDisk: 'o', gitRepo: 'o',
      glusterfs: 'o', hostPath: 'o', image: 'o', iscsi: 'o', nfs: 'o', persistentVolumeClaim: 'o', photonPersistentDisk: 'o',
      portworxVolume: 'o', projected: 'o', quobyte: 'o', rbd: 'o', scaleIO: 'o', secret: 'o', storageos: 'o', vsphereVolume: 'o',
    },
    Toleration: { effect: 's', key: 's', operator: 's', tolerationSeconds: 'i', value: 's' },
    PodSpec: {
      activeDeadlineSeconds: 'i', affinity: 'o', automountServiceAccountToken: 'b', containers: '[]Container@name', dnsConfig: 'o',
      dnsPolicy: 's', enableServiceLinks: 'b', ephemeralContainers: '[]o@name', hostAliases: '[]o@ip', hostIPC: 'b', hostNetwork: 'b',
      hostPID: 'b', hostUsers: 'b', hostname: 's', imagePullSecrets: '[]LocalObjectReference@name', initContainers: '[]Container@name',
      nodeName: 's', nodeSelector: 'ms', os: 'o', overhead: 'mq', preemptionPolicy: 's', priority: 'i', priorityClassName: 's',
      readinessGates: '[]o', resourceClaims: '[]o@name!', resources: 'ResourceRequirements', restartPolicy: 's', runtimeClassName: 's',
      schedulerName: 's', schedulingGates: '[]o@name', securityContext: 'o', serviceAccount: 's', serviceAccountName: 's',
      setHostnameAsFQDN: 'b', shareProcessNamespace: 'b', subdomain: 's', terminationGracePeriodSeconds: 'i',
      tolerations: '[]Toleration', topologySpreadConstraints: '[]o@topologyKey', volumes: '[]Volume@name!',
    },
    PodTemplateSpec: { metadata: 'ObjectMeta', spec: 'PodSpec' },
    PodCondition: { lastProbeTime: 't', lastTransitionTime: 't', message: 's', reason: 's', status: 's', type: 's' },
    PodStatus: {
      conditions: '[]PodCondition@type', containerStatuses: '[]o', ephemeralContainerStatuses: '[]o', hostIP: 's', hostIPs: '[]o@ip',
      initContainerStatuses: '[]o', message: 's', nominatedNodeName: 's', phase: 's', podIP: 's', podIPs: '[]o@ip', qosClass: 's',
      reason: 's', resize: 's', resourceClaimStatuses: '[]o@name', startTime: 't',
    },
    NamespaceSpec: { finalizers: '[]s' },
    NamespaceStatus: { conditions: '[]o@type', phase: 's' },
    NodeSpec: { configSource: 'o', externalID: 's', podCIDR: 's', podCIDRs: '[]s+', providerID: 's', taints: '[]o', unschedulable: 'b' },
    NodeStatus: {
      addresses: '[]o@type', allocatable: 'mq', capacity: 'mq', conditions: '[]o@type', config: 'o', daemonEndpoints: 'o', features: 'o',
      images: '[]o', nodeInfo: 'o', phase: 's', runtimeHandlers: '[]o', volumesAttached: '[]o', volumesInUse: '[]s',
    },
    ServicePort: { appProtocol: 's', name: 's', nodePort: 'i', port: 'i', protocol: 's', targetPort: 'ios' },
    ServiceSpec: {
      allocateLoadBalancerNodePorts: 'b', clusterIP: 's', clusterIPs: '[]s', externalIPs: '[]s', externalName: 's',
      externalTrafficPolicy: 's', healthCheckNodePort: 'i', internalTrafficPolicy: 's', ipFamilies: '[]s', ipFamilyPolicy: 's',
      loadBalancerClass: 's', loadBalancerIP: 's', loadBalancerSourceRanges: '[]s', ports: '[]ServicePort@port',
      publishNotReadyAddresses: 'b', selector: 'ms', sessionAffinity: 's', sessionAffinityConfig: 'o', trafficDistribution: 's', type: 's',
    },
    ServiceStatus: { conditions: '[]Condition@type', loadBalancer: 'o' },
    EndpointSubset: { addresses: '[]o', notReadyAddresses: '[]o', ports: '[]o' },
  },
  'io.k8s.api.apps.v1': {
    DeploymentStrategy: { rollingUpdate: 'o', type: 's' },
    DeploymentSpec: {
      minReadySeconds: 'i', paused: 'b', progressDeadlineSeconds: 'i', replicas: 'i', revisionHistoryLimit: 'i',
      selector: 'LabelSelector', strategy: 'DeploymentStrategy!', template: 'PodTemplateSpec',
    },
    DeploymentStatus: {
      availableReplicas: 'i', collisionCount: 'i', conditions: '[]o@type', observedGeneration: 'i', readyReplicas: 'i', replicas: 'i',
      terminatingReplicas: 'i', unavailableReplicas: 'i', updatedReplicas: 'i',
    },
    ReplicaSetSpec: { minReadySeconds: 'i', replicas: 'i', selector: 'LabelSelector', template: 'PodTemplateSpec' },
    ReplicaSetStatus: {
      availableReplicas: 'i', conditions: '[]o@type', fullyLabeledReplicas: 'i', observedGeneration: 'i', readyReplicas: 'i',
      replicas: 'i', terminatingReplicas: 'i',
    },
    DaemonSetSpec: { minReadySeconds: 'i', revisionHistoryLimit: 'i', selector: 'LabelSelector', template: 'PodTemplateSpec', updateStrategy: 'o' },
    DaemonSetStatus: {
      collisionCount: 'i', conditions: '[]o@type', currentNumberScheduled: 'i', desiredNumberScheduled: 'i', numberAvailable: 'i',
      numberMisscheduled: 'i', numberReady: 'i', numberUnavailable: 'i', observedGeneration: 'i', updatedNumberScheduled: 'i',
    },
  },
  'io.k8s.api.batch.v1': {
    JobSpec: {
      activeDeadlineSeconds: 'i', backoffLimit: 'i', backoffLimitPerIndex: 'i', completionMode: 's', completions: 'i', managedBy: 's',
      manualSelector: 'b', maxFailedIndexes: 'i', parallelism: 'i', podFailurePolicy: 'o', podReplacementPolicy: 's',
      selector: 'LabelSelector', successPolicy: 'o', suspend: 'b', template: 'PodTemplateSpec', ttlSecondsAfterFinished: 'i',
    },
    JobStatus: {
      active: 'i', completedIndexes: 's', completionTime: 't', conditions: '[]o', failed: 'i', failedIndexes: 's', ready: 'i',
      startTime: 't', succeeded: 'i', terminating: 'i', uncountedTerminatedPods: 'o',
    },
    JobTemplateSpec: { metadata: 'ObjectMeta', spec: 'JobSpec' },
    CronJobSpec: {
      concurrencyPolicy: 's', failedJobsHistoryLimit: 'i', jobTemplate: 'JobTemplateSpec', schedule: 's', startingDeadlineSeconds: 'i',
      successfulJobsHistoryLimit: 'i', suspend: 'b', timeZone: 's',
    },
    CronJobStatus: { active: '[]ObjectReference', lastScheduleTime: 't', lastSuccessfulTime: 't' },
  },
  'io.k8s.api.coordination.v1': {
    LeaseSpec: {
      acquireTime: 't', holderIdentity: 's', leaseDurationSeconds: 'i', leaseTransitions: 'i', preferredHolder: 's', renewTime: 't', strategy: 's',
    },
  },
  'io.k8s.api.autoscaling.v1': {
    ScaleSpec: { replicas: 'i' },
    ScaleStatus: { replicas: 'i', selector: 's' },
  },
};

/** Top-level kinds: component name → group, version, kind and the fields besides apiVersion/kind/metadata. */
export const KIND_SCHEMAS: Record<string, { group: string; version: string; kind: string; fields: FieldTable }> = {
  'io.k8s.api.core.v1.Pod': { group: '', version: 'v1', kind: 'Pod', fields: { spec: 'PodSpec', status: 'PodStatus' } },
  'io.k8s.api.core.v1.Namespace': { group: '', version: 'v1', kind: 'Namespace', fields: { spec: 'NamespaceSpec', status: 'NamespaceStatus' } },
  'io.k8s.api.core.v1.Node': { group: '', version: 'v1', kind: 'Node', fields: { spec: 'NodeSpec', status: 'NodeStatus' } },
  'io.k8s.api.core.v1.Service': { group: '', version: 'v1', kind: 'Service', fields: { spec: 'ServiceSpec', status: 'ServiceStatus' } },
  'io.k8s.api.core.v1.Endpoints': { group: '', version: 'v1', kind: 'Endpoints', fields: { subsets: '[]EndpointSubset' } },
  'io.k8s.api.core.v1.ConfigMap': { group: '', version: 'v1', kind: 'ConfigMap', fields: { binaryData: 'ms', data: 'ms', immutable: 'b' } },
  'io.k8s.api.core.v1.Secret': { group: '', version: 'v1', kind: 'Secret', fields: { data: 'ms', immutable: 'b', stringData: 'ms', type: 's' } },
  'io.k8s.api.core.v1.Event': {
    group: '', version: 'v1', kind: 'Event',
    fields: {
      action: 's', count: 'i', eventTime: 't', firstTimestamp: 't', involvedObject: 'ObjectReference', lastTimestamp: 't', message: 's',
      reason: 's', related: 'ObjectReference', reportingComponent: 's', reportingInstance: 's', series: 'o', source: 'o', type: 's',
    },
  },
  'io.k8s.api.core.v1.ServiceAccount': {
    group: '', version: 'v1', kind: 'ServiceAccount',
    fields: { automountServiceAccountToken: 'b', imagePullSecrets: '[]LocalObjectReference', secrets: '[]ObjectReference@name' },
  },
  'io.k8s.api.core.v1.Binding': { group: '', version: 'v1', kind: 'Binding', fields: { target: 'ObjectReference' } },
  'io.k8s.api.coordination.v1.Lease': { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', fields: { spec: 'LeaseSpec' } },
  'io.k8s.api.apps.v1.Deployment': { group: 'apps', version: 'v1', kind: 'Deployment', fields: { spec: 'DeploymentSpec', status: 'DeploymentStatus' } },
  'io.k8s.api.apps.v1.ReplicaSet': { group: 'apps', version: 'v1', kind: 'ReplicaSet', fields: { spec: 'ReplicaSetSpec', status: 'ReplicaSetStatus' } },
  'io.k8s.api.apps.v1.DaemonSet': { group: 'apps', version: 'v1', kind: 'DaemonSet', fields: { spec: 'DaemonSetSpec', status: 'DaemonSetStatus' } },
  'io.k8s.api.batch.v1.Job': { group: 'batch', version: 'v1', kind: 'Job', fields: { spec: 'JobSpec', status: 'JobStatus' } },
  'io.k8s.api.batch.v1.CronJob': { group: 'batch', version: 'v1', kind: 'CronJob', fields: { spec: 'CronJobSpec', status: 'CronJobStatus' } },
  'io.k8s.api.autoscaling.v1.Scale': { group: 'autoscaling', version: 'v1', kind: 'Scale', fields: { spec: 'ScaleSpec', status: 'ScaleStatus' } },
};
