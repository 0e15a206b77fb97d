// The answer of a plugin: a code plus human reasons. "Unschedulable" is a normal answer, not an
// exception; the reasons are the phrases FailedScheduling events count ("Insufficient memory").

export type Code =
  /** The pod may go on; for PreFilter/PreScore: run this plugin's Filter/Score. */
  | 'Success'
  /** The pod does not fit here now; a change in the cluster may make it fit. */
  | 'Unschedulable'
  /** The pod does not fit here and nothing short of changing the node or the pod will help. */
  | 'UnschedulableAndUnresolvable'
  /** PreFilter/PreScore only: this plugin has nothing to say about this pod; skip its Filter/Score. */
  | 'Skip';

export interface Status {
  readonly code: Code;
  /** Phrases in Kubernetes' wording, each counted per node in "0/5 nodes are available: …". */
  readonly reasons: readonly string[];
}

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: Object.freeze([]) });
export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: Object.freeze([]) });

/** A rejection a cluster change may lift. Plugins build these once, as constants, where they can. */
export function unschedulable(...reasons: string[]): Status {
  return Object.freeze({ code: 'Unschedulable', reasons: Object.freeze(reasons) });
}

/** A rejection only a change to this node or to the pod itself can lift. */
export function unresolvable(...reasons: string[]): Status {
  return Object.freeze({ code: 'UnschedulableAndUnresolvable', reasons: Object.freeze(reasons) });
}

export function isSuccess(status: Status): boolean {
  return status.code === 'Success';
}

export function isRejection(status: Status): boolean {
  return status.code === 'Unschedulable' || status.code === 'UnschedulableAndUnresolvable';
}
