// Two projects: unit tests beside the code, end-to-end tests under test/ (real server, kubectl, Podman, brokers).
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] };
// aedes 1.x is ESM-only: let swc turn it into CommonJS like our own code (its dependencies are CommonJS already).
const common = { transform, transformIgnorePatterns: ['/node_modules/(?!aedes/)'], testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{shared,server,agent,hardware,images,bin}/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.test.ts'], slowTestThreshold: 30 },
  ],
};
