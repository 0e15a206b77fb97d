// Board profiles, board detection and device resources: what the agent tells the server about the
// hardware it runs on. Imported by agent/; depends only on node: built-ins.

export { detectBoard, kubernetesArch, type BoardFacts, type DetectOptions } from './detect';
export { detectDevices, deviceCapacity, type DeviceResource } from './devices';
export type { BoardProfile, DeviceClass } from './profiles/types';

/** Labels a Node gets from its board: flotilla.io/board=<profile id>. */
export function boardLabels(facts: { profile: { id: string } }): Record<string, string> {
  return { 'flotilla.io/board': facts.profile.id };
}
