// A tiny require hook that runs TypeScript sources with @swc/core (same settings as jest), for child
// processes of tests and for benchmarks: `node -r ./test/setup/swc-register.js bench/store-throughput.ts`.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const options = {
  jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

Module._extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
if (typeof process.setSourceMapsEnabled === 'function') process.setSourceMapsEnabled(true);
