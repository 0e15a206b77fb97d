// What the test suite needs on the machine, installed on demand. Returns { env, stop() }.
'use strict';
const { spawnSync } = require('node:child_process');

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

let aptUpdated = false;
function aptInstall(packages) {
  if (packages.length === 0) return;
  if (!aptUpdated) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    aptUpdated = true;
  }
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed`);
}

function prepare() {
  const missing = [];
  if (!has('kubectl')) missing.push('kubernetes-client');
  aptInstall(missing);
  return { env: {}, stop() {} };
}

module.exports = { prepare, has, aptInstall };
