// Schema table: io.k8s.apimachinery.pkg.apis.meta.v1 (object metadata, label selectors, conditions).

import type { FieldTable } from '../codes';

export const META_V1: Record<string, FieldTable> = {
  ObjectMeta: {
    annotations: 'ms', creationTimestamp: 't', deletionGracePeriodSeconds: 'i', deletionTimestamp: 't', finalizers: '[]s+',
    generateName: 's', generation: 'i', labels: 'ms', managedFields: '[]o', name: 's', namespace: 's',
    ownerReferences: '[]OwnerReference@uid', resourceVersion: 's', selfLink: 's', uid: 's',
  },
  OwnerReference: { apiVersion: 's', blockOwnerDeletion: 'b', controller: 'b', kind: 's', name: 's', uid: 's' },
  LabelSelector: { matchExpressions: '[]LabelSelectorRequirement', matchLabels: 'ms' },
  LabelSelectorRequirement: { key: 's', operator: 's', values: '[]s' },
  Condition: { lastTransitionTime: 't', message: 's', observedGeneration: 'i', reason: 's', status: 's', type: 's' },
};
