// What the test suite needs on the machine, installed on demand. Returns { env, stop() }.
// Podman: a private containers.conf and API socket under .test-env/, local test images, the pause archives;
// Node 18 for amd64, arm64 and armhf (node18.js).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const envDir = path.join(root, '.test-env');
const BUSYBOX_IMAGE = 'localhost/flotilla/busybox:test';
const PAUSE_DIR = path.join(root, 'images', 'pause');

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

/** Debian packages for Podman, the test images and the pause image (all three architectures). */
function podmanPackages() {
  const want = [
    ['podman', () => has('podman')],
    ['runc', () => has('runc')],
    ['catatonit', () => fs.existsSync('/usr/libexec/podman/catatonit') || has('catatonit')],
    ['busybox-static', () => isStatic('/bin/busybox')],
    ['docker-registry', () => has('docker-registry')],
    ['musl-tools', () => has('musl-gcc')],
    ['file', () => has('file')],
    ['gcc-aarch64-linux-gnu', () => has('aarch64-linux-gnu-gcc')],
    ['libc6-dev-arm64-cross', () => fs.existsSync('/usr/aarch64-linux-gnu/lib/libc.a')],
    ['gcc-arm-linux-gnueabihf', () => has('arm-linux-gnueabihf-gcc')],
    ['libc6-dev-armhf-cross', () => fs.existsSync('/usr/arm-linux-gnueabihf/lib/libc.a')],
  ];
  return want.filter(([, present]) => !present()).map(([pkg]) => pkg);
}

function isStatic(file) {
  if (!fs.existsSync(file)) return false;
  const r = spawnSync('ldd', [file], { encoding: 'utf8' });
  return r.status !== 0 || /not a dynamic executable|statically linked/.test(`${r.stdout}${r.stderr}`);
}

const CONTAINERS_CONF = `# Written by test/setup/environment.js: Podman as the tests need it on this machine.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
log_driver = "k8s-file"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
`;

function writeIfChanged(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  fs.writeFileSync(file, content);
}

/** True when a libpod API answers on the socket. */
function socketAnswers(socket) {
  if (!fs.existsSync(socket)) return false;
  const script =
    "require('http').get({ socketPath: process.argv[1], path: '/v4.0.0/libpod/_ping', timeout: 2000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1))" +
    ".on('error', () => process.exit(1)).on('timeout', () => process.exit(1))";
  return spawnSync(process.execPath, ['-e', script, socket], { timeout: 5000 }).status === 0;
}

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Starts `podman system service` on the socket unless one answers already; returns the child or undefined. */
function startService(socket, env) {
  if (socketAnswers(socket)) return undefined;
  fs.rmSync(socket, { force: true });
  const log = fs.openSync(path.join(envDir, 'podman-service.log'), 'a');
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { env, detached: true, stdio: ['ignore', log, log] });
  child.unref();
  fs.closeSync(log);
  for (let i = 0; i < 100; i++) {
    if (socketAnswers(socket)) return child;
    sleepMs(100);
  }
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  throw new Error(`podman system service did not answer on ${socket}; see .test-env/podman-service.log`);
}

function podman(args, env, opts = {}) {
  const r = spawnSync('podman', args, { env, encoding: 'utf8', ...opts });
  if (r.error) throw r.error;
  return r;
}

/** localhost/flotilla/busybox:test from Debian's static busybox (sh, httpd, wget, sleep...). */
function buildBusybox(env) {
  if (podman(['image', 'exists', BUSYBOX_IMAGE], env).status === 0) return;
  const rootfs = fs.mkdtempSync(path.join(envDir, 'busybox-'));
  try {
    for (const dir of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'www', 'var/www']) fs.mkdirSync(path.join(rootfs, dir), { recursive: true });
    fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
    fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
    const applets = spawnSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter((a) => a && a !== 'busybox');
    for (const applet of applets) fs.symlinkSync('busybox', path.join(rootfs, 'bin', applet));
    fs.writeFileSync(path.join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
    fs.writeFileSync(path.join(rootfs, 'etc', 'group'), 'root:x:0:\nnobody:x:65534:\n');
    fs.writeFileSync(path.join(rootfs, 'www', 'index.html'), 'hello from flotilla\n');
    const tarball = `${rootfs}.tar`;
    const t = spawnSync('tar', ['--owner=0', '--group=0', '-C', rootfs, '-cf', tarball, '.']);
    if (t.status !== 0) throw new Error('tar of the busybox rootfs failed');
    const r = podman(['import', '--change', 'CMD ["/bin/sh"]', '--change', 'ENV PATH=/bin', tarball, BUSYBOX_IMAGE], env);
    fs.rmSync(tarball, { force: true });
    if (r.status !== 0) throw new Error(`podman import ${BUSYBOX_IMAGE} failed: ${r.stderr}`);
  } finally {
    fs.rmSync(rootfs, { recursive: true, force: true });
  }
}

/** images/pause/dist/pause-<version>-linux-<arch>.tar for every architecture, built when one is missing. */
function buildPauseArchives() {
  const version = fs.readFileSync(path.join(PAUSE_DIR, 'VERSION'), 'utf8').trim();
  const archives = ['amd64', 'arm64', 'arm'].map((arch) => path.join(PAUSE_DIR, 'dist', `pause-${version}-linux-${arch}.tar`));
  if (archives.every((a) => fs.existsSync(a))) return;
  const r = spawnSync('sh', [path.join(PAUSE_DIR, 'build.sh')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('images/pause/build.sh failed');
}

/** Podman for the runtime tests. Returns the env they need and a stop() for the service it started. */
function preparePodman() {
  aptInstall(podmanPackages());
  fs.mkdirSync(envDir, { recursive: true });
  const conf = path.join(envDir, 'containers.conf');
  writeIfChanged(conf, CONTAINERS_CONF);
  const socket = path.join(envDir, 'podman.sock');
  const podmanEnv = { ...process.env, CONTAINERS_CONF: conf };
  buildPauseArchives();
  const child = startService(socket, podmanEnv);
  buildBusybox(podmanEnv);
  return {
    env: {
      CONTAINERS_CONF: conf,
      FLOTILLA_PODMAN_SOCKET: socket,
      FLOTILLA_TEST_BUSYBOX_IMAGE: BUSYBOX_IMAGE,
      FLOTILLA_PAUSE_ARCHIVE_DIR: path.join(PAUSE_DIR, 'dist'),
    },
    stop() {
      if (!child || child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

/** Debian's mosquitto (an external broker for the node channel tests) and its clients (mosquitto_sub/pub/passwd). */
function mosquittoPackages() {
  const want = [
    ['mosquitto', () => has('mosquitto') || fs.existsSync('/usr/sbin/mosquitto')],
    ['mosquitto-clients', () => has('mosquitto_sub') && has('mosquitto_pub')],
  ];
  return want.filter(([, present]) => !present()).map(([pkg]) => pkg);
}

/** `node18`: the architectures to get Node 18 for (see node18.js); default amd64 only. */
function prepare({ node18: node18Arches = ['x64'] } = {}) {
  const missing = [];
  if (!has('kubectl')) missing.push('kubernetes-client');
  missing.push(...mosquittoPackages());
  aptInstall(missing);
  let podmanPart = { env: {}, stop() {} };
  try {
    podmanPart = preparePodman();
  } catch (err) {
    // The Podman tests then fail, saying FLOTILLA_PODMAN_SOCKET is unset; the rest of the suite still runs.
    console.error(`test environment: Podman is not available: ${err.message}`);
  }
  let node18 = { env: {} };
  try {
    node18 = require('./node18').prepareNode18(aptInstall, node18Arches);
  } catch (err) {
    // The Node 18 runs then fail, saying FLOTILLA_TEST_NODE18* is unset.
    console.error(`test environment: Node 18 (devices' Node) is not available: ${err.message}`);
  }
  return { env: { ...podmanPart.env, ...node18.env }, stop: () => podmanPart.stop() };
}

module.exports = { prepare, preparePodman, has, aptInstall, mosquittoPackages };
