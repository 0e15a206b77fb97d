// Schema table: apps/v1 and batch/v1 workload specs and statuses, coordination/v1 Lease and
// autoscaling/v1 Scale.

import type { FieldTable } from '../codes';

const CONDITION: FieldTable = { lastTransitionTime: 't', message: 's', reason: 's', status: 's', type: 's' };
const ROLLING: FieldTable = { maxSurge: 'ios', maxUnavailable: 'ios' };

export const APPS_V1: Record<string, FieldTable> = {
  RollingUpdateDeployment: ROLLING,
  DeploymentStrategy: { rollingUpdate: 'RollingUpdateDeployment', type: 's' },
  DeploymentSpec: {
    minReadySeconds: 'i', paused: 'b', progressDeadlineSeconds: 'i', replicas: 'i', revisionHistoryLimit: 'i',
    selector: 'LabelSelector', strategy: 'DeploymentStrategy!', template: 'PodTemplateSpec',
  },
  DeploymentCondition: { ...CONDITION, lastUpdateTime: 't' },
  DeploymentStatus: {
    availableReplicas: 'i', collisionCount: 'i', conditions: '[]DeploymentCondition@type', observedGeneration: 'i', readyReplicas: 'i',
    replicas: 'i', terminatingReplicas: 'i', unavailableReplicas: 'i', updatedReplicas: 'i',
  },
  ReplicaSetSpec: { minReadySeconds: 'i', replicas: 'i', selector: 'LabelSelector', template: 'PodTemplateSpec' },
  ReplicaSetCondition: CONDITION,
  ReplicaSetStatus: {
    availableReplicas: 'i', conditions: '[]ReplicaSetCondition@type', fullyLabeledReplicas: 'i', observedGeneration: 'i', readyReplicas: 'i',
    replicas: 'i', terminatingReplicas: 'i',
  },
  RollingUpdateDaemonSet: ROLLING,
  DaemonSetUpdateStrategy: { rollingUpdate: 'RollingUpdateDaemonSet', type: 's' },
  DaemonSetSpec: {
    minReadySeconds: 'i', revisionHistoryLimit: 'i', selector: 'LabelSelector', template: 'PodTemplateSpec', updateStrategy: 'DaemonSetUpdateStrategy',
  },
  DaemonSetCondition: CONDITION,
  DaemonSetStatus: {
    collisionCount: 'i', conditions: '[]DaemonSetCondition@type', currentNumberScheduled: 'i', desiredNumberScheduled: 'i', numberAvailable: 'i',
    numberMisscheduled: 'i', numberReady: 'i', numberUnavailable: 'i', observedGeneration: 'i', updatedNumberScheduled: 'i',
  },
};

export const BATCH_V1: Record<string, FieldTable> = {
  PodFailurePolicyOnExitCodesRequirement: { containerName: 's', operator: 's', values: '[]i' },
  PodFailurePolicyOnPodConditionsPattern: { status: 's', type: 's' },
  PodFailurePolicyRule: { action: 's', onExitCodes: 'PodFailurePolicyOnExitCodesRequirement', onPodConditions: '[]PodFailurePolicyOnPodConditionsPattern' },
  PodFailurePolicy: { rules: '[]PodFailurePolicyRule' },
  SuccessPolicyRule: { succeededCount: 'i', succeededIndexes: 's' },
  SuccessPolicy: { rules: '[]SuccessPolicyRule' },
  JobSpec: {
    activeDeadlineSeconds: 'i', backoffLimit: 'i', backoffLimitPerIndex: 'i', completionMode: 's', completions: 'i', managedBy: 's',
    manualSelector: 'b', maxFailedIndexes: 'i', parallelism: 'i', podFailurePolicy: 'PodFailurePolicy', podReplacementPolicy: 's',
    selector: 'LabelSelector', successPolicy: 'SuccessPolicy', suspend: 'b', template: 'PodTemplateSpec', ttlSecondsAfterFinished: 'i',
  },
  JobCondition: { ...CONDITION, lastProbeTime: 't' },
  UncountedTerminatedPods: { failed: '[]s', succeeded: '[]s' },
  JobStatus: {
    active: 'i', completedIndexes: 's', completionTime: 't', conditions: '[]JobCondition@type', failed: 'i', failedIndexes: 's', ready: 'i',
    startTime: 't', succeeded: 'i', terminating: 'i', uncountedTerminatedPods: 'UncountedTerminatedPods',
  },
  JobTemplateSpec: { metadata: 'ObjectMeta', spec: 'JobSpec' },
  CronJobSpec: {
    concurrencyPolicy: 's', failedJobsHistoryLimit: 'i', jobTemplate: 'JobTemplateSpec', schedule: 's', startingDeadlineSeconds: 'i',
    successfulJobsHistoryLimit: 'i', suspend: 'b', timeZone: 's',
  },
  CronJobStatus: { active: '[]ObjectReference', lastScheduleTime: 't', lastSuccessfulTime: 't' },
};

export const COORDINATION_V1: Record<string, FieldTable> = {
  LeaseSpec: {
    acquireTime: 't', holderIdentity: 's', leaseDurationSeconds: 'i', leaseTransitions: 'i', preferredHolder: 's', renewTime: 't', strategy: 's',
  },
};

export const AUTOSCALING_V1: Record<string, FieldTable> = {
  ScaleSpec: { replicas: 'i' },
  ScaleStatus: { replicas: 'i', selector: 's' },
};
