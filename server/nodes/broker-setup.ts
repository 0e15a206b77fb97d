// Brings up the broker side for `flotilla server`: the embedded aedes (default) or an external
// broker given by --mqtt-url, whose password/ACL files flotilla keeps in step when asked to
// (mosquitto). Either way the server talks to it through one ServerMqttClient.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { SERVER_USERNAME, joinUsername } from '../../shared/channel/join-token';
import type { Informer } from '../informer/informer';
import { channelAuthenticator } from '../mqtt/authenticator';
import { DEVICE_CREDENTIAL_RESOURCE, JOIN_TOKEN_RESOURCE, mosquittoHash, randomSecret, type DeviceCredentialSpec, type JoinTokenSpec } from '../mqtt/credentials';
import type { Store } from '../store/types';
import { startEmbeddedBroker, type EmbeddedBroker } from '../mqtt/embedded';
import { MosquittoFiles } from '../mqtt/mosquitto';
import { ServerMqttClient } from '../mqtt/server-client';
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
  /** Resolves once the broker accepts `username`'s stored credentials (mosquitto: once a rewrite and reload included them). */
  credentialsApplied(username: string): Promise<void>;
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

export async function startBrokerSide(options: BrokerOptions, deps: { pki: ServerPki; store: Store; tokens: Informer; devices: Informer; logger: Logger }): Promise<BrokerSide> {
  const log = deps.logger;
  if (options.mqttUrl) {
    const password = serverSecret(options.dataDir);
    let files: MosquittoFiles | undefined;
    let sync: (() => Promise<Set<string>>) | undefined;
    let schedule: () => void = () => undefined;
    let waiters: Array<{ username: string; resolve: () => void }> = [];
    if (options.mosquitto) {
      const mf = new MosquittoFiles({ ...options.mosquitto, serverUsername: SERVER_USERNAME, logger: log });
      files = mf;
      const serverHash = mosquittoHash(password);
      sync = async () => {
        const entries = [
          { username: SERVER_USERNAME, hash: serverHash },
          ...deps.devices.list().flatMap((d) => {
            const s = d.spec as Partial<DeviceCredentialSpec> | undefined;
            return s?.mosquittoHash && !d.metadata.deletionTimestamp ? [{ username: d.metadata.name ?? '', hash: s.mosquittoHash }] : [];
          }),
          ...deps.tokens.list().flatMap((t) => {
            const s = t.spec as Partial<JoinTokenSpec> | undefined;
            return s?.mosquittoHash && !t.metadata.deletionTimestamp ? [{ username: joinUsername(t.metadata.name ?? ''), hash: s.mosquittoHash }] : [];
          }),
        ];
        await mf.write(entries);
        // mosquitto handles SIGHUP on its next loop turn: give it a moment before devices dial in.
        await new Promise((r) => setTimeout(r, 100));
        return new Set(entries.map((e) => e.username));
      };
      await sync();
      let timer: NodeJS.Timeout | undefined;
      // Changes within 200 ms share one rewrite and one reload (a burst of joins costs one SIGHUP).
      schedule = (): void => {
        timer ??= setTimeout(() => {
          timer = undefined;
          void sync?.().then(
            (written) => {
              // A credential the informer had not seen yet waits for the rewrite its arrival triggers.
              const done = waiters.filter((w) => written.has(w.username));
              waiters = waiters.filter((w) => !written.has(w.username));
              for (const w of done) w.resolve();
            },
            (err: unknown) => log.error({ err }, 'writing mosquitto files failed'),
          );
        }, 200);
      };
      deps.devices.onChange(schedule);
      deps.tokens.onChange(schedule);
    }
    const client = await ServerMqttClient.connect({ url: options.mqttUrl, username: SERVER_USERNAME, password, caPem: deps.pki.caCertPem, logger: log });
    log.info({ url: options.mqttUrl, managedFiles: files !== undefined }, 'node channel uses an external MQTT broker');
    return {
      client,
      advertiseUrl: options.advertiseUrl ?? options.mqttUrl,
      revoke: () => undefined,
      credentialsApplied: (username) =>
        files
          ? new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 10_000); // never hold a join forever: the device retries
              waiters.push({
                username,
                resolve: () => {
                  clearTimeout(timer);
                  resolve();
                },
              });
              schedule();
            })
          : Promise.resolve(),
      close: () => client.close(),
    };
  }

  const password = randomSecret(48);
  const embedded = await startEmbeddedBroker({
    host: options.bindAddress,
    port: options.mqttPort,
    ...(options.mqttsPort !== undefined ? { tlsPort: options.mqttsPort } : {}),
    ...(options.mqttWsPort !== undefined ? { wsPort: options.mqttWsPort } : {}),
    tls: { certPem: deps.pki.certPem, keyPem: deps.pki.keyPem, caPem: deps.pki.caCertPem },
    authenticate: channelAuthenticator({
      serverPassword: password,
      tokens: deps.tokens,
      devices: deps.devices,
      now: () => Date.now(),
      read: (which, name) => deps.store.get({ resource: which === 'tokens' ? JOIN_TOKEN_RESOURCE : DEVICE_CREDENTIAL_RESOURCE, name }),
    }),
    logger: log,
  });
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
