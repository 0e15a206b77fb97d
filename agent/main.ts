// `flotilla agent`: the device agent. Runs the kubelet on Podman with the desired state it persisted,
// the static pods of --manifests DIR, and the server's desired state over the MQTT node channel (with
// --token once, then with the credentials it got). Stopping the
// agent leaves the pods running: the next start adopts them.

import { mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { realClock } from '../shared/clock';
import { createAgentLogger, errField, type Log } from './log';
import { Kubelet } from './kubelet/kubelet';
import { PodmanRuntime } from './runtime/podman/podman-runtime';
import { LABEL_NODE } from './runtime/types';
import type { StaticSource } from './static/static-source';
import type { NodeChannelAgent } from './sync/channel-agent';
import { loadCredentials } from './sync/device-credentials';
import { checkNodeVersion } from './node-version';

/** True when the node channel can run: stored device credentials, or a token to join with. */
function channelConfigured(dataDir: string, token: string | undefined): boolean {
  return token !== undefined || loadCredentials(dataDir) !== undefined;
}

export interface AgentOptions {
  /** Static pod manifests to run (standalone mode). */
  manifests?: string;
  /** Desired state and volumes. Default /var/lib/flotilla/agent. */
  dataDir?: string;
  /** Podman's API socket. Default /run/podman/podman.sock. */
  podmanSocket?: string;
  /** Default: the host name, lower-cased. */
  nodeName?: string;
  logLevel?: string;
  /** status.hostIP; default the first non-internal IPv4 address. */
  hostIp?: string;
  /** Registries ("host:port") pulled from over plain HTTP or without TLS verification. */
  insecureRegistry?: string[];
  /** The pause image archive for this architecture (default: the one shipped with Flotilla). */
  pauseArchive?: string;
  /** First CrashLoopBackOff delay in ms (default 10000, doubling to 30×); for tests. */
  crashLoopBackoff?: string | number;
  /** Ready-made logger (tests, embedding); default: JSON lines on stderr. */
  log?: Log;
  /** Join token from `flotilla token create`: needed once, until the device has its own credentials. */
  token?: string;
  /** Overrides the broker URL of the token or of the stored credentials. */
  broker?: string;
}

export interface RunningAgent {
  kubelet: Kubelet;
  nodeName: string;
  /** The node channel, when the agent has credentials or a join token. */
  channel?: NodeChannelAgent;
  /** Stops syncing; the pods keep running. */
  stop(): Promise<void>;
}

export const DEFAULT_DATA_DIR = '/var/lib/flotilla/agent';
export const DEFAULT_PODMAN_SOCKET = '/run/podman/podman.sock';

export async function startAgent(options: AgentOptions = {}): Promise<RunningAgent> {
  checkNodeVersion();
  const log = options.log ?? createAgentLogger(options.logLevel ?? 'info');
  const dataDir = path.resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  // A joined device keeps the name it joined under.
  const joined = loadCredentials(dataDir)?.nodeName;
  if (joined && options.nodeName && options.nodeName !== joined) log.warn({ joined, asked: options.nodeName }, 'this device joined as another node name; keeping it');
  const nodeName = joined ?? options.nodeName ?? os.hostname().toLowerCase();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const runtime = new PodmanRuntime({
    socketPath: options.podmanSocket ?? DEFAULT_PODMAN_SOCKET,
    insecureRegistries: options.insecureRegistry ?? [],
    ...(options.pauseArchive ? { pauseArchive: options.pauseArchive } : {}),
  });
  const base = options.crashLoopBackoff !== undefined ? Number(options.crashLoopBackoff) : undefined;
  if (base !== undefined && !(base > 0)) throw new Error(`--crash-loop-backoff must be a positive number of ms: got ${String(options.crashLoopBackoff)}`);
  const kubelet = new Kubelet({
    runtime, nodeName, dataDir, log, clock: realClock,
    ...(options.hostIp ? { hostIP: options.hostIp } : {}),
    ...(base !== undefined ? { crashLoopBackoff: { initialMs: base, maxMs: base * 30 } } : {}),
  });
  await kubelet.start();
  let statics: StaticSource | undefined;
  if (options.manifests) {
    const { StaticSource: Source } = require('./static/static-source') as typeof import('./static/static-source');
    statics = new Source({ dir: path.resolve(options.manifests), nodeName, kubelet, clock: realClock, log });
    await statics.start();
  }
  let channel: NodeChannelAgent | undefined;
  if (channelConfigured(dataDir, options.token)) {
    const { startDeviceChannel } = require('./sync/device') as typeof import('./sync/device');
    channel = await startDeviceChannel({
      kubelet,
      dataDir,
      nodeName,
      log,
      podmanSocket: options.podmanSocket ?? DEFAULT_PODMAN_SOCKET,
      containerLabels: { [LABEL_NODE]: nodeName },
      runtimeVersion: async () => {
        const v = await runtime.version();
        return `${v.runtimeName}://${v.runtimeVersion}`;
      },
      ...(options.token ? { token: options.token } : {}),
      ...(options.broker ? { broker: options.broker } : {}),
    });
  }
  log.info({ node: nodeName, dataDir, manifests: options.manifests, channel: channel?.credentials?.broker, nodejs: process.version, arch: process.arch }, 'agent running');
  return {
    kubelet,
    nodeName,
    ...(channel ? { channel } : {}),
    async stop() {
      await channel?.stop();
      statics?.stop();
      await kubelet.stop();
    },
  };
}

/** Runs until SIGINT or SIGTERM. */
export async function runAgent(options: AgentOptions = {}): Promise<void> {
  const log = options.log ?? createAgentLogger(options.logLevel ?? 'info');
  const agent = await startAgent({ ...options, log });
  // The kubelet's timers do not hold the process open (so that embedding and tests can end): this does, until a signal.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((resolve) => {
    const done = (signal: string): void => {
      log.info({ signal }, 'stopping the agent; pods keep running');
      resolve();
    };
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
  clearInterval(keepAlive);
  await agent.stop().catch((err: unknown) => log.error(errField(err), 'agent stop failed'));
}
