#!/usr/bin/env node
// `npm test`: prepares what the suite needs on this machine (Debian packages, a built dist/, the
// Podman service, Node 18), runs jest over unit and end-to-end tests, then the device side's unit tests
// again on Node 18, and tears down what it started. `--arm` (npm run test:arm) runs test/arm/ instead.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/** The device side's unit tests once more, under the Node 18 that devices run (the server needs Node ≥ 20). */
function deviceUnitsOnNode18(env) {
  const node18 = env.FLOTILLA_TEST_NODE18;
  if (!node18) {
    console.error('Node 18 unit run: FLOTILLA_TEST_NODE18 is unset (see the test environment messages above)');
    return 1;
  }
  const escaped = root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  console.log(`\nUnit tests of agent/, shared/, hardware/ and bin/ on Node ${require('./node18').NODE18_VERSION} (what devices run):`);
  return run(node18, [require.resolve('jest/bin/jest'), '--ci', '--selectProjects', 'unit', '--testPathPatterns', `^${escaped}/(agent|shared|hardware|bin)/`], { env: { ...process.env, ...env } });
}

function main() {
  const argv = process.argv.slice(2);
  // --arm: only the device side on arm64 and armhf under qemu-user (`npm run test:arm`).
  const arm = argv[0] === '--arm';
  const args = arm ? argv.slice(1) : argv;
  const env = require('./environment');
  const teardown = env.prepare({ node18: arm ? ['x64', 'arm64', 'arm'] : ['x64'] });
  let status = 1;
  try {
    if (run('npm', ['run', '--silent', 'build']) !== 0) return 1;
    const testEnv = { ...process.env, ...teardown.env };
    const projects = args.includes('--selectProjects') ? [] : ['--selectProjects', ...(arm ? ['arm'] : ['unit', 'e2e'])];
    status = run(process.execPath, [require.resolve('jest/bin/jest'), '--ci', ...projects, ...args], { env: testEnv });
    // A whole-suite run only; `npm test -- <jest args>` runs just what it names.
    if (!arm && args.length === 0 && deviceUnitsOnNode18(teardown.env) !== 0) status = status || 1;
  } finally {
    teardown.stop();
  }
  return status;
}

process.exitCode = main();
