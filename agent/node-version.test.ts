import { checkNodeVersion, MIN_NODE_VERSION } from './node-version';

describe('checkNodeVersion', () => {
  it.each([
    ['18.13.0', false], // Debian bookworm's first nodejs: no fs.statfs
    ['18.14.2', false],
    ['16.20.2', false],
    ['18.15.0', true],
    ['18.19.0', true], // Raspberry Pi OS / Debian bookworm today
    ['18.20.4', true],
    ['20.20.2', true],
    ['22.0.0', true],
  ])('%s is accepted: %s', (version, ok) => {
    if (ok) expect(() => checkNodeVersion(version)).not.toThrow();
    else expect(() => checkNodeVersion(version)).toThrow(`flotilla agent needs Node.js ≥ ${MIN_NODE_VERSION} (for fs.statfs): got ${version}`);
  });

  it('accepts the Node running the tests (20 here, and 18.19 in the Node 18 run)', () => {
    expect(() => checkNodeVersion()).not.toThrow();
  });
});
