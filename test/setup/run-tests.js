#!/usr/bin/env node
// `npm test`: prepares what the suite needs on this machine (Debian packages, a built dist/, the
// Podman service), runs jest over unit and end-to-end tests, and tears down what it started.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function main() {
  const env = require('./environment');
  const teardown = env.prepare();
  let status = 1;
  try {
    if (run('npm', ['run', '--silent', 'build']) !== 0) return 1;
    status = run(process.execPath, [require.resolve('jest/bin/jest'), '--ci', ...process.argv.slice(2)], { env: { ...process.env, ...teardown.env } });
  } finally {
    teardown.stop();
  }
  return status;
}

process.exitCode = main();
