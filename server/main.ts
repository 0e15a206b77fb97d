// `flotilla server`: opens the store, makes sure the PKI and the admin kubeconfig exist, serves the
// Kubernetes API over HTTPS (and plain HTTP on loopback when asked), runs the controllers and the
// scheduler, and shuts all of it down cleanly on SIGINT/SIGTERM.

import { existsSync, mkdirSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createApiHandler, namespacedResources, type Identity } from './api';
import { readKubeconfig, writeKubeconfig } from './auth/kubeconfig';
import { mintToken, verifyToken, TOKEN_RESOURCE } from './auth/tokens';
import { apiTokenResource } from './auth/resource';
import { Controller } from './controllers/controller';
import { gcResources } from './controllers/gc/kinds';
import { ControllerManager } from './controllers/manager';
import { ensureSystemNamespaces, NamespaceReconciler } from './controllers/namespace';
import { ServiceAccountReconciler } from './controllers/serviceaccount';
import { QueuedEventSink } from './events/queued-sink';
import { EventRecorder } from './events/recorder';
import { EventTtl } from './events/ttl';
import { InformerFactory } from './informer/informer';
import { createLogger, type Logger } from './log';
import { startNodeChannel, type NodeChannelOptions } from './nodes/node-channel';
import { withNodeChannelEndpoints } from './nodes/http';
import { kubectlExecUpgrade } from './nodes/kubectl-exec';
import { parseDurationMs } from '../shared/duration';
import { ensurePki } from './pki/pki';
import { Scheduler } from './scheduler/scheduler';
import { openStore } from './store';
import type { Store } from './store/types';

export interface ServerOptions {
  dataDir: string;
  port: string | number;
  bindAddress?: string;
  insecurePort?: string | number;
  durable?: boolean;
  logLevel?: string;
  /**
   * Embedded MQTT broker: plain, TLS ("off" disables) and WebSocket (off unless given). The CLI's
   * defaults are 1883 and 8883; called as a library (tests, benchmarks) they default to ephemeral ports.
   */
  mqttPort?: string | number;
  mqttsPort?: string | number;
  mqttWsPort?: string | number;
  /** An external broker instead of the embedded one, e.g. mqtt://127.0.0.1:1883. */
  mqttUrl?: string;
  /** With --mqtt-url: password and ACL files flotilla keeps for mosquitto, and how to make it reload them. */
  mosquittoPasswordFile?: string;
  mosquittoAclFile?: string;
  mosquittoReload?: string;
  /** The broker URL join tokens carry (default: derived from the listeners). */
  mqttAdvertiseUrl?: string;
  /** --node-monitor-grace-period, e.g. "50s". */
  nodeMonitorGracePeriod?: string;
  /** --event-ttl: Events are deleted this long after their last write (default 1h, as Kubernetes). */
  eventTtl?: string;
}

export interface RunningServer {
  port: number;
  insecurePort?: number;
  mqtt: { port?: number; tlsPort?: number; wsPort?: number; advertiseUrl: string };
  store: Store;
  kubeconfigPath: string;
  close(): Promise<void>;
}

function parsePort(name: string, value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number 0-65535: got "${value}"`);
  return n;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

function optionalPort(name: string, value: string | number | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  if (value === 'off') return undefined;
  return parsePort(name, value);
}

function nodeChannelOptions(options: ServerOptions, dataDir: string): NodeChannelOptions {
  const mosquitto =
    options.mosquittoPasswordFile || options.mosquittoAclFile
      ? {
          passwordFile: options.mosquittoPasswordFile ?? join(dataDir, 'mqtt', 'mosquitto.passwd'),
          aclFile: options.mosquittoAclFile ?? join(dataDir, 'mqtt', 'mosquitto.acl'),
          ...(options.mosquittoReload ? { reloadCommand: options.mosquittoReload } : {}),
        }
      : undefined;
  const mqttsPort = optionalPort('--mqtts-port', options.mqttsPort, 0);
  const mqttWsPort = optionalPort('--mqtt-ws-port', options.mqttWsPort, undefined);
  return {
    dataDir,
    bindAddress: options.bindAddress ?? '0.0.0.0',
    mqttPort: optionalPort('--mqtt-port', options.mqttPort, 0) ?? 0,
    ...(mqttsPort !== undefined ? { mqttsPort } : {}),
    ...(mqttWsPort !== undefined ? { mqttWsPort } : {}),
    ...(options.mqttUrl ? { mqttUrl: options.mqttUrl } : {}),
    ...(mosquitto ? { mosquitto } : {}),
    ...(options.mqttAdvertiseUrl ? { advertiseUrl: options.mqttAdvertiseUrl } : {}),
    ...(options.nodeMonitorGracePeriod ? { gracePeriodMs: parseDurationMs(options.nodeMonitorGracePeriod) } : {}),
  };
}

/** Reuses the admin kubeconfig if its token still works, otherwise mints an admin token and writes a new one. */
async function ensureAdminKubeconfig(store: Store, path: string, server: string, caPem: string, log: Logger): Promise<void> {
  if (existsSync(path)) {
    try {
      const current = readKubeconfig(path);
      if ((await verifyToken(store, current.token))?.role === 'admin') {
        writeKubeconfig(path, { ...current, server, caPem });
        return;
      }
    } catch (err) {
      log.warn({ err, path }, 'admin kubeconfig unreadable; writing a new one');
    }
  }
  const minted = mintToken({ role: 'admin', description: 'bootstrap admin' });
  await store.create(TOKEN_RESOURCE, minted.object);
  writeKubeconfig(path, { server, caPem, token: minted.token, user: 'admin' });
  log.info({ path }, 'wrote admin kubeconfig');
}

export async function startServer(options: ServerOptions, log: Logger = createLogger(options.logLevel)): Promise<RunningServer> {
  const port = parsePort('--port', options.port);
  const insecurePort = options.insecurePort === undefined ? undefined : parsePort('--insecure-port', options.insecurePort);
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const store = await openStore({ dir: join(dataDir, 'store'), durable: options.durable ?? false, logger: log });
  await ensureSystemNamespaces(store);
  const pki = ensurePki(join(dataDir, 'pki'));

  const authenticate = async (token: string | undefined): Promise<Identity | undefined> => (token ? verifyToken(store, token) : undefined);
  const channel = await startNodeChannel(store, pki, nodeChannelOptions(options, dataDir), log);
  const apiHandler = createApiHandler({ store, authenticate, logger: log, resources: [apiTokenResource(), ...channel.resources], podLogs: channel.podLogs });
  const api = withNodeChannelEndpoints(apiHandler, { channel, store, authenticate });

  const https = createHttpsServer({ cert: pki.certPem, key: pki.keyPem }, api);
  https.on('upgrade', kubectlExecUpgrade({ store, requests: channel.requests, authenticate }));
  const boundPort = await listen(https, port, options.bindAddress ?? '0.0.0.0');
  let http: Server | undefined;
  let boundInsecure: number | undefined;
  if (insecurePort !== undefined) {
    http = createHttpServer(api);
    boundInsecure = await listen(http, insecurePort, '127.0.0.1');
  }

  const kubeconfigPath = join(dataDir, 'kubeconfig.yaml');
  await ensureAdminKubeconfig(store, kubeconfigPath, `https://127.0.0.1:${boundPort}`, pki.caCertPem, log);

  const controllers = [
    new Controller(new NamespaceReconciler(store, () => namespacedResources()), { store, logger: log }),
    new Controller(new ServiceAccountReconciler(store), { store, logger: log }),
  ];
  for (const c of controllers) await c.start();
  const eventTtl = new EventTtl({ store, logger: log, ...(options.eventTtl ? { ttlMs: parseDurationMs(options.eventTtl) } : {}) });
  await eventTtl.start();
  // One set of informers for the workload controllers and the scheduler (the manager adds its
  // indexes before anything starts).
  const informers = new InformerFactory(store);
  const workloads = new ControllerManager({ store, logger: log, gc: gcResources(apiHandler.registry.all()), informers });
  const schedulerEvents = new QueuedEventSink(new EventRecorder(store, { component: 'default-scheduler' }), { onError: (err) => log.warn({ err }, 'scheduler: event not recorded') });
  const scheduler = new Scheduler({ store, informers, events: schedulerEvents, logger: log });
  await workloads.start();
  await scheduler.start();
  const mqtt = { ...(channel.broker.embedded?.ports.mqtt !== undefined ? { port: channel.broker.embedded.ports.mqtt } : {}), ...(channel.broker.embedded?.ports.mqtts !== undefined ? { tlsPort: channel.broker.embedded.ports.mqtts } : {}), ...(channel.broker.embedded?.ports.ws !== undefined ? { wsPort: channel.broker.embedded.ports.ws } : {}), advertiseUrl: channel.broker.advertiseUrl };
  log.info({ port: boundPort, insecurePort: boundInsecure, mqtt, dataDir, durable: options.durable ?? false }, 'flotilla server ready');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const closed = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));
      const servers = [https, ...(http ? [http] : [])];
      const done = Promise.all(servers.map(closed));
      for (const s of servers) s.closeAllConnections();
      await done;
      await scheduler.stop();
      await workloads.stop();
      informers.stop();
      for (const c of controllers) await c.stop();
      eventTtl.stop();
      await channel.close();
      await store.close();
      log.info('flotilla server stopped');
    })());

  return { port: boundPort, insecurePort: boundInsecure, mqtt, store, kubeconfigPath, close };
}

/** The CLI entry: starts, then waits for SIGINT/SIGTERM and shuts down cleanly. */
export async function runServer(options: ServerOptions): Promise<void> {
  const log = createLogger(options.logLevel);
  const server = await startServer(options, log);
  await new Promise<void>((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      log.info({ signal }, 'shutting down');
      resolveSignal();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  await server.close();
  log.flush();
}
