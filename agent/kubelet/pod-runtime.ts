// What the runtime holds for one pod (its sandboxes and container instances), and how to read it:
// newest sandbox, latest and previous instance of a container, the next restart attempt.

import type { ContainerStatus, RuntimeSnapshot, SandboxStatus } from '../runtime/types';
import { LABEL_POD_UID } from '../runtime/types';

export type PodRuntime = RuntimeSnapshot;

export const emptyRuntime = (): PodRuntime => ({ sandboxes: [], containers: [] });

const newerFirst = <T extends { attempt: number; createdAt: Date }>(a: T, b: T): number =>
  b.attempt - a.attempt || b.createdAt.getTime() - a.createdAt.getTime();

/** Sandboxes newest first (highest attempt, then latest created). */
export function sandboxesOf(rt: PodRuntime): SandboxStatus[] {
  return [...rt.sandboxes].sort(newerFirst);
}

/** Instances of one container, newest first, optionally only those of one sandbox. */
export function instancesOf(rt: PodRuntime, name: string, sandboxId?: string): ContainerStatus[] {
  return rt.containers.filter((c) => c.name === name && (sandboxId === undefined || c.sandboxId === sandboxId)).sort(newerFirst);
}

/** The attempt number the next instance of `name` gets: one above any seen (restartCount keeps growing). */
export function nextAttempt(rt: PodRuntime, name: string, remembered = -1): number {
  return Math.max(remembered, ...instancesOf(rt, name).map((c) => c.attempt)) + 1;
}

/** Splits a node-wide snapshot by pod uid. */
export function byPod(snapshot: RuntimeSnapshot): Map<string, PodRuntime> {
  const out = new Map<string, PodRuntime>();
  const of = (uid: string): PodRuntime => {
    let rt = out.get(uid);
    if (!rt) out.set(uid, (rt = emptyRuntime()));
    return rt;
  };
  for (const s of snapshot.sandboxes) of(s.uid).sandboxes.push(s);
  for (const c of snapshot.containers) {
    const uid = c.labels[LABEL_POD_UID];
    if (uid !== undefined) of(uid).containers.push(c);
  }
  return out;
}

/** A compact fingerprint of what matters for syncing: ids and states. Equal fingerprints need no sync. */
export function fingerprint(rt: PodRuntime): string {
  const s = rt.sandboxes.map((x) => `${x.id}:${x.state}`).sort();
  const c = rt.containers.map((x) => `${x.id}:${x.state}:${x.exitCode ?? ''}`).sort();
  return `${s.join(',')}|${c.join(',')}`;
}
