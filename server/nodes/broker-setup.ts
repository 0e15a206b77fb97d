// Brings up the broker side for `flotilla server`: the embedded aedes (default) or an external
// broker given by --mqtt-url, whose password/ACL files flotilla keeps in step when asked to
// (mosquitto). Either way the server talks to it through one ServerMqttClient.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { KubeObject } from '../../shared/api/types';
import { SERVER_USERNAME, joinUsername } from '../../shared/channel/join-token';
import { realClock } from '../../shared/clock';
import { FlotillaError } from '../../shared/errors';
import type { Informer } from '../informer/informer';
import { channelAuthenticator } from '../mqtt/authenticator';
import { DEVICE_CREDENTIAL_RESOURCE, JOIN_TOKEN_RESOURCE, mosquittoHash, randomSecret } from '../mqtt/credentials';
import type { Store } from '../store/types';
import { startEmbeddedBroker, type EmbeddedBroker } from '../mqtt/embedded';
import { MosquittoFiles, type PasswordEntry } from '../mqtt/mosquitto';
import { MosquittoSync, PROBE_USERNAME, type MosquittoSyncStats } from '../mqtt/mosquitto-sync';
import { probeLogin } from '../mqtt/probe';
import { ServerMqttClient } from '../mqtt/server-client';
import { portsToListen, readRememberedPorts, rememberPorts, type BrokerPorts, type Listener } from '../mqtt/broker-ports';
import type { ServerPki } from '../pki/pki';

export interface BrokerOptions {
  dataDir: string;
  bindAddress: string;
  /** Embedded broker ports (ignored with mqttUrl). mqttsPort/wsPort undefined = off. */
  mqttPort: number;
  mqttsPort?: number;
  mqttWsPort?: number;
  /** An external broker instead of the embedded one. */
  mqttUrl?: string;
  mosquitto?: { passwordFile: string; aclFile: string; reloadCommand?: string };
  /** What join tokens tell devices to dial; derived from the listeners when absent. */
  advertiseUrl?: string;
}

export interface BrokerSide {
  client: ServerMqttClient;
  embedded?: EmbeddedBroker;
  advertiseUrl: string;
  /** Disconnects a revoked device now (embedded: at once; mosquitto: through the reloaded password file). */
  revoke(node: string): void;
  /** Resolves once the broker accepts `username`'s stored credentials (mosquitto: once a confirmed reload included them). */
  credentialsApplied(username: string): Promise<void>;
  /** Managed mosquitto files: reloads so far (for /metrics). */
  stats?(): MosquittoSyncStats;
  close(): Promise<void>;
}

/** The server's account on an external broker, kept in the data dir (0600). */
function serverSecret(dataDir: string): string {
  const dir = join(dataDir, 'mqtt');
  const file = join(dir, 'server.secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomSecret(48);
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

function hostAddress(bind: string): string {
  if (bind !== '0.0.0.0' && bind !== '::') return bind;
  for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

const PORT_FLAGS: Record<Listener, string> = { mqtt: '--mqtt-port', mqtts: '--mqtts-port', ws: '--mqtt-ws-port' };

/** The error to give when a remembered port (asked for as 0) is taken by someone else now. */
function rememberedPortBusy(err: unknown, at: { asked: BrokerPorts; remembered: BrokerPorts; file: string }): FlotillaError | undefined {
  const e = err as { code?: string; port?: number };
  if (e.code !== 'EADDRINUSE') return undefined;
  const listener = (['mqtt', 'mqtts', 'ws'] as const).find((l) => at.asked[l] === 0 && at.remembered[l] === e.port);
  if (!listener) return undefined;
  const flag = PORT_FLAGS[listener];
  return new FlotillaError(
    'Conflict',
    `${flag} 0: port ${e.port} is in use. The embedded broker chose it at its first start (remembered in ${at.file}) and joined devices dial it; free it, or give ${flag} explicitly (devices then need --broker with the new URL)`,
    { cause: err },
  );
}

/** Keeps mosquitto's files in step with the credential informers (mosquitto-sync.ts). */
function mosquittoSync(
  settings: { url: string; files: NonNullable<BrokerOptions['mosquitto']>; serverPassword: string },
  deps: { pki: ServerPki; tokens: Informer; devices: Informer; logger: Logger },
): MosquittoSync {
  const files = new MosquittoFiles({ ...settings.files, serverUsername: SERVER_USERNAME, logger: deps.logger });
  const serverHash = mosquittoHash(settings.serverPassword);
  const live = (o: Readonly<KubeObject>): string | undefined => (o.metadata.deletionTimestamp ? undefined : (o.spec as { mosquittoHash?: string } | undefined)?.mosquittoHash);
  const sync = new MosquittoSync({
    clock: realClock,
    entries: () => {
      const entries: PasswordEntry[] = [{ username: SERVER_USERNAME, hash: serverHash }];
      for (const d of deps.devices.list()) {
        const hash = live(d);
        if (hash) entries.push({ username: d.metadata.name ?? '', hash });
      }
      for (const t of deps.tokens.list()) {
        const hash = live(t);
        if (hash) entries.push({ username: joinUsername(t.metadata.name ?? ''), hash });
      }
      return entries;
    },
    write: (entries) => files.write(entries),
    reload: () => files.reload(),
    ...(files.reloads ? { probe: (password: string) => probeLogin({ url: settings.url, username: PROBE_USERNAME, password, clientId: `${PROBE_USERNAME}_${process.pid}`, caPem: deps.pki.caCertPem }) } : {}),
    probeSecret: () => {
      const password = randomSecret(32);
      return { password, hash: mosquittoHash(password) };
    },
    log: deps.logger,
  });
  deps.devices.onChange(() => sync.changed());
  deps.tokens.onChange(() => sync.changed());
  return sync;
}

export async function startBrokerSide(options: BrokerOptions, deps: { pki: ServerPki; store: Store; tokens: Informer; devices: Informer; logger: Logger }): Promise<BrokerSide> {
  const log = deps.logger;
  if (options.mqttUrl) {
    const password = serverSecret(options.dataDir);
    const sync = options.mosquitto ? mosquittoSync({ url: options.mqttUrl, files: options.mosquitto, serverPassword: password }, deps) : undefined;
    if (sync && !(await sync.start())) log.error({ reload: options.mosquitto?.reloadCommand }, 'mosquitto did not load the rewritten password file within 15 s (is --mosquitto-reload right?)');
    const client = await ServerMqttClient.connect({ url: options.mqttUrl, username: SERVER_USERNAME, password, caPem: deps.pki.caCertPem, logger: log });
    log.info({ url: options.mqttUrl, managedFiles: sync !== undefined }, 'node channel uses an external MQTT broker');
    return {
      client,
      advertiseUrl: options.advertiseUrl ?? options.mqttUrl,
      revoke: () => undefined,
      credentialsApplied: (username) => sync?.applied(username) ?? Promise.resolve(),
      ...(sync ? { stats: () => ({ ...sync.stats }) } : {}),
      async close() {
        sync?.close();
        await client.close();
      },
    };
  }

  const password = randomSecret(48);
  const portsFile = join(options.dataDir, 'mqtt', 'ports.json');
  const asked: BrokerPorts = { mqtt: options.mqttPort, ...(options.mqttsPort !== undefined ? { mqtts: options.mqttsPort } : {}), ...(options.mqttWsPort !== undefined ? { ws: options.mqttWsPort } : {}) };
  const remembered = readRememberedPorts(portsFile);
  const ports = portsToListen(asked, remembered);
  const embedded = await startEmbeddedBroker({
    host: options.bindAddress,
    port: ports.mqtt ?? 0,
    ...(ports.mqtts !== undefined ? { tlsPort: ports.mqtts } : {}),
    ...(ports.ws !== undefined ? { wsPort: ports.ws } : {}),
    tls: { certPem: deps.pki.certPem, keyPem: deps.pki.keyPem, caPem: deps.pki.caCertPem },
    authenticate: channelAuthenticator({
      serverPassword: password,
      tokens: deps.tokens,
      devices: deps.devices,
      now: () => Date.now(),
      read: (which, name) => deps.store.get({ resource: which === 'tokens' ? JOIN_TOKEN_RESOURCE : DEVICE_CREDENTIAL_RESOURCE, name }),
    }),
    logger: log,
  }).catch((err: unknown) => {
    throw rememberedPortBusy(err, { asked, remembered, file: portsFile }) ?? err;
  });
  rememberPorts(portsFile, asked, embedded.ports);
  const local = options.bindAddress === '0.0.0.0' || options.bindAddress === '::' ? '127.0.0.1' : options.bindAddress;
  const client = await ServerMqttClient.connect({ url: `mqtt://${local}:${embedded.ports.mqtt}`, username: SERVER_USERNAME, password, logger: log });
  const host = hostAddress(options.bindAddress);
  const advertiseUrl = options.advertiseUrl ?? (embedded.ports.mqtts !== undefined ? `mqtts://${host}:${embedded.ports.mqtts}` : `mqtt://${host}:${embedded.ports.mqtt}`);
  return {
    client,
    embedded,
    advertiseUrl,
    credentialsApplied: () => Promise.resolve(),
    revoke: (node) => {
      const n = embedded.disconnect((who) => who.kind === 'device' && who.node === node);
      if (n > 0) log.info({ node }, 'revoked device disconnected');
    },
    async close() {
      await client.close();
      await embedded.close();
    },
  };
}
