// The oldest Node.js the agent runs on, checked when it starts: below it, it would misreport the node
// (fs.statfs, for ephemeral storage and disk pressure, arrived in Node 18.15). Debian/Raspberry Pi OS
// bookworm first shipped nodejs 18.13; its updates since January 2024 bring 18.19 or later.

import { FlotillaError } from '../shared/errors';

export const MIN_NODE_VERSION = '18.15.0';

/** Throws when `version` ("18.13.0", as in process.versions.node) is older than MIN_NODE_VERSION. */
export function checkNodeVersion(version: string = process.versions.node): void {
  const parts = (v: string): number[] => v.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const [have, need] = [parts(version), parts(MIN_NODE_VERSION)];
  for (let i = 0; i < need.length; i++) {
    const h = have[i] ?? 0;
    const n = need[i] ?? 0;
    if (h > n) return;
    if (h < n) {
      throw new FlotillaError('BadRequest', `flotilla agent needs Node.js ≥ ${MIN_NODE_VERSION} (for fs.statfs): got ${version}; on Debian or Raspberry Pi OS bookworm, \`apt upgrade nodejs\` brings 18.19 or later`);
    }
  }
}
