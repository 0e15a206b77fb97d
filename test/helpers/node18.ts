// Node 18 as devices run it, for end-to-end tests: the launchers test/setup/node18.js prepares (the env
// run-tests.js passes; prepared here when a file runs alone). arm64 and arm launchers run under qemu-user.

export type DeviceArch = 'x64' | 'arm64' | 'arm';

interface Node18Setup {
  NODE18_VERSION: string;
  ARCHES: Record<DeviceArch, { envVar: string }>;
  prepareNode18(aptInstall: (packages: string[]) => void, arches: DeviceArch[]): { env: Record<string, string> };
}

const setup = require('../setup/node18') as Node18Setup;
export const NODE18_VERSION = setup.NODE18_VERSION;

/** The command that runs Node 18 for `arch` on this machine. */
export function node18(arch: DeviceArch): string {
  const envVar = setup.ARCHES[arch].envVar;
  if (!process.env[envVar]) {
    const { aptInstall } = require('../setup/environment') as { aptInstall(packages: string[]): void };
    Object.assign(process.env, setup.prepareNode18(aptInstall, [arch]).env);
  }
  const launcher = process.env[envVar];
  if (!launcher) throw new Error(`${envVar} is unset: run the tests through \`npm test\` or \`npm run test:arm\` (test/setup/run-tests.js), which prepare Node 18`);
  return launcher;
}
