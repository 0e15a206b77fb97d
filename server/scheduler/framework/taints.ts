// Toleration matching (v1 helper ToleratesTaint) shared by the taint, readiness and cordon plugins.

import type { Taint, Toleration } from '../../../shared/api/core';

export function toleratesTaint(toleration: Toleration, taint: Pick<Taint, 'key' | 'value' | 'effect'>): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  // "Equal" (the default) with an empty key only ever matches with Exists, as in Kubernetes.
  if (!toleration.key) return false;
  return (toleration.value ?? '') === (taint.value ?? '');
}

export function tolerates(tolerations: readonly Toleration[] | undefined, taint: Pick<Taint, 'key' | 'value' | 'effect'>): boolean {
  if (!tolerations) return false;
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}
