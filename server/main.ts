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
import { InformerFactory } from './informer/informer';
import { createLogger, type Logger } from './log';
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
}

export interface RunningServer {
  port: number;
  insecurePort?: number;
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
  const api = createApiHandler({ store, authenticate, logger: log, resources: [apiTokenResource()] });

  const https = createHttpsServer({ cert: pki.certPem, key: pki.keyPem }, api);
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
  // One set of informers for the workload controllers and the scheduler (the manager adds its
  // indexes before anything starts).
  const informers = new InformerFactory(store);
  const workloads = new ControllerManager({ store, logger: log, gc: gcResources(api.registry.all()), informers });
  const schedulerEvents = new QueuedEventSink(new EventRecorder(store, { component: 'default-scheduler' }), { onError: (err) => log.warn({ err }, 'scheduler: event not recorded') });
  const scheduler = new Scheduler({ store, informers, events: schedulerEvents, logger: log });
  await workloads.start();
  await scheduler.start();
  log.info({ port: boundPort, insecurePort: boundInsecure, dataDir, durable: options.durable ?? false }, 'flotilla server ready');

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
      await store.close();
      log.info('flotilla server stopped');
    })());

  return { port: boundPort, insecurePort: boundInsecure, store, kubeconfigPath, close };
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
