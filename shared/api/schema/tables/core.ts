// Schema table: core/v1 besides the pod spec — pod status, Namespace, Node, Service, Endpoints,
// Event and the small shared references.

import type { FieldTable } from '../codes';

const CONDITION: FieldTable = { lastTransitionTime: 't', message: 's', reason: 's', status: 's', type: 's' };

export const CORE_V1: Record<string, FieldTable> = {
  ObjectReference: { apiVersion: 's', fieldPath: 's', kind: 's', name: 's', namespace: 's', resourceVersion: 's', uid: 's' },
  LocalObjectReference: { name: 's' },
  PodCondition: { ...CONDITION, lastProbeTime: 't' },
  ContainerStateWaiting: { message: 's', reason: 's' },
  ContainerStateRunning: { startedAt: 't' },
  ContainerStateTerminated: { containerID: 's', exitCode: 'i', finishedAt: 't', message: 's', reason: 's', signal: 'i', startedAt: 't' },
  ContainerState: { running: 'ContainerStateRunning', terminated: 'ContainerStateTerminated', waiting: 'ContainerStateWaiting' },
  ContainerStatus: {
    allocatedResources: 'mq', allocatedResourcesStatus: '[]o', containerID: 's', image: 's', imageID: 's', lastState: 'ContainerState',
    name: 's', ready: 'b', resources: 'ResourceRequirements', restartCount: 'i', started: 'b', state: 'ContainerState', user: 'o',
    volumeMounts: '[]o',
  },
  HostIP: { ip: 's' },
  PodIP: { ip: 's' },
  PodStatus: {
    conditions: '[]PodCondition@type', containerStatuses: '[]ContainerStatus', ephemeralContainerStatuses: '[]ContainerStatus', hostIP: 's',
    hostIPs: '[]HostIP@ip', initContainerStatuses: '[]ContainerStatus', message: 's', nominatedNodeName: 's', phase: 's', podIP: 's',
    podIPs: '[]PodIP@ip', qosClass: 's', reason: 's', resize: 's', resourceClaimStatuses: '[]o@name', startTime: 't',
  },
  NamespaceSpec: { finalizers: '[]s' },
  NamespaceCondition: CONDITION,
  NamespaceStatus: { conditions: '[]NamespaceCondition@type', phase: 's' },
  Taint: { effect: 's', key: 's', timeAdded: 't', value: 's' },
  NodeSpec: { configSource: 'o', externalID: 's', podCIDR: 's', podCIDRs: '[]s+', providerID: 's', taints: '[]Taint', unschedulable: 'b' },
  NodeAddress: { address: 's', type: 's' },
  NodeCondition: { ...CONDITION, lastHeartbeatTime: 't' },
  NodeSystemInfo: {
    architecture: 's', bootID: 's', containerRuntimeVersion: 's', kernelVersion: 's', kubeProxyVersion: 's', kubeletVersion: 's',
    machineID: 's', operatingSystem: 's', osImage: 's', swap: 'o', systemUUID: 's',
  },
  DaemonEndpoint: { Port: 'i' },
  NodeDaemonEndpoints: { kubeletEndpoint: 'DaemonEndpoint' },
  ContainerImage: { names: '[]s', sizeBytes: 'i' },
  NodeStatus: {
    addresses: '[]NodeAddress@type', allocatable: 'mq', capacity: 'mq', conditions: '[]NodeCondition@type', config: 'o',
    daemonEndpoints: 'NodeDaemonEndpoints', features: 'o', images: '[]ContainerImage', nodeInfo: 'NodeSystemInfo', phase: 's',
    runtimeHandlers: '[]o', volumesAttached: '[]o', volumesInUse: '[]s',
  },
  ServicePort: { appProtocol: 's', name: 's', nodePort: 'i', port: 'i', protocol: 's', targetPort: 'ios' },
  ClientIPConfig: { timeoutSeconds: 'i' },
  SessionAffinityConfig: { clientIP: 'ClientIPConfig' },
  ServiceSpec: {
    allocateLoadBalancerNodePorts: 'b', clusterIP: 's', clusterIPs: '[]s', externalIPs: '[]s', externalName: 's',
    externalTrafficPolicy: 's', healthCheckNodePort: 'i', internalTrafficPolicy: 's', ipFamilies: '[]s', ipFamilyPolicy: 's',
    loadBalancerClass: 's', loadBalancerIP: 's', loadBalancerSourceRanges: '[]s', ports: '[]ServicePort@port',
    publishNotReadyAddresses: 'b', selector: 'ms', sessionAffinity: 's', sessionAffinityConfig: 'SessionAffinityConfig',
    trafficDistribution: 's', type: 's',
  },
  LoadBalancerIngress: { hostname: 's', ip: 's', ipMode: 's', ports: '[]o' },
  LoadBalancerStatus: { ingress: '[]LoadBalancerIngress' },
  ServiceStatus: { conditions: '[]Condition@type', loadBalancer: 'LoadBalancerStatus' },
  EndpointAddress: { hostname: 's', ip: 's', nodeName: 's', targetRef: 'ObjectReference' },
  EndpointPort: { appProtocol: 's', name: 's', port: 'i', protocol: 's' },
  EndpointSubset: { addresses: '[]EndpointAddress', notReadyAddresses: '[]EndpointAddress', ports: '[]EndpointPort' },
  EventSource: { component: 's', host: 's' },
  EventSeries: { count: 'i', lastObservedTime: 't' },
};
