// Projects: unit tests beside the code, end-to-end tests under test/ (real server, kubectl, Podman, brokers), and
// the device side on ARM under qemu-user (test/arm/).
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] };
// aedes 1.x is ESM-only: let swc turn it into CommonJS like our own code (its dependencies are CommonJS already).
const common = { transform, transformIgnorePatterns: ['/node_modules/(?!aedes/)'], testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{shared,server,agent,hardware,images,bin}/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/arm/'], slowTestThreshold: 30 },
    // The device side on arm64 and armhf under qemu-user: `npm run test:arm` (run-tests.js --arm), not part of `npm test`.
    { ...common, displayName: 'arm', testMatch: ['<rootDir>/test/arm/**/*.test.ts'], slowTestThreshold: 60 },
  ],
};
