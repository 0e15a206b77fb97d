// `flotilla server`'s node channel, wired together: broker, dispatcher, provisioning, leases, node
// and pod status, desired state, node lifecycle, revocation, logs/exec requests and metrics.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { realClock, type Clock } from '../../shared/clock';
import { isFlotillaError } from '../../shared/errors';
import type { PodLogProvider } from '../api';
import type { ResourceDefinition } from '../api/registry';
import { Controller } from '../controllers/controller';
import { EventRecorder } from '../events/recorder';
import { InformerFactory } from '../informer/informer';
import { DEVICE_CREDENTIAL_RESOURCE, JOIN_TOKEN_RESOURCE } from '../mqtt/credentials';
import { deviceCredentialResource, joinTokenResource } from '../mqtt/resources';
import { caFingerprint, type ServerPki } from '../pki/pki';
import type { Store } from '../store/types';
import { startBrokerSide, type BrokerOptions, type BrokerSide } from './broker-setup';
import { DesiredStatePublisher, podIndexes } from './desired-publisher';
import { DesiredVersions } from './desired-version';
import { ChannelDispatcher } from './dispatcher';
import { LeaseRenewer } from './leases';
import { LEASE_RESOURCE, NodeLifecycleReconciler, podNodeName } from './lifecycle';
import { metricsResources, prometheusText, serveMetricsApi } from './metrics-api';
import { MetricsStore } from './metrics-store';
import { LEASE_NAMESPACE } from './node-object';
import { NodeReports } from './node-reports';
import { KubeletEvents } from './kubelet-events';
import { podLogProvider } from './pod-logs';
import { PodStatusWriter } from './pod-statuses';
import { Provisioner } from './provisioner';
import { RequestBroker } from './requests';

export interface NodeChannelOptions extends Omit<BrokerOptions, 'dataDir'> {
  dataDir: string;
  gracePeriodMs?: number;
  clock?: Clock;
}

export interface NodeChannel {
  /** Kinds to add to the API (JoinToken, DeviceCredential, metrics.k8s.io). */
  resources: ResourceDefinition[];
  podLogs: PodLogProvider;
  requests: RequestBroker;
  broker: BrokerSide;
  leases: LeaseRenewer;
  /** Serves /metrics and metrics.k8s.io reads; false when the path is not one of them. */
  serveHttp(path: string, req: IncomingMessage, res: ServerResponse): boolean;
  close(): Promise<void>;
}

export async function startNodeChannel(store: Store, pki: ServerPki, options: NodeChannelOptions, log: Logger): Promise<NodeChannel> {
  const clock = options.clock ?? realClock;
  const informers = new InformerFactory(store);
  const tokens = informers.for(JOIN_TOKEN_RESOURCE);
  const devices = informers.for(DEVICE_CREDENTIAL_RESOURCE);
  const nodes = informers.for('nodes');
  const pods = informers.for('pods');
  for (const [name, fn] of Object.entries(podIndexes)) pods.addIndex(name, fn);
  const configMaps = informers.for('configmaps');
  const secrets = informers.for('secrets');
  await Promise.all([tokens.start(), devices.start()]);

  const broker = await startBrokerSide(options, { pki, store, tokens, devices, logger: log });
  const transport = broker.client;
  const recorder = (host?: string): EventRecorder => new EventRecorder(store, { component: host ? 'kubelet' : 'node-controller', ...(host ? { host } : {}), clock, onError: (err) => log.debug({ err }, 'event dropped') });
  const controllerEvents = recorder();
  const kubeletEvents = new KubeletEvents({ pods, clock, sinkFor: (node) => recorder(node) });

  const reports = new NodeReports({ store, clock, logger: log });
  const requests = new RequestBroker({ transport, isOnline: (n) => reports.isOnline(n), clock, logger: log });
  const leases = new LeaseRenewer({ store, nodes, clock, logger: log });
  const podStatuses = new PodStatusWriter({ store, pods, logger: log });
  const metrics = new MetricsStore({
    podNode: (namespace, name) => {
      const pod = pods.get(`${namespace}/${name}`);
      return pod ? podNodeName(pod)[0] : undefined;
    },
  });
  const versions = await DesiredVersions.open(join(options.dataDir, 'desired-version'), Number(store.currentResourceVersion()));
  const publisher = new DesiredStatePublisher({ store, transport, clock, logger: log, nodes, pods, configMaps, secrets, versions });
  publisher.register();
  const provisioner = new Provisioner({ store, transport, events: controllerEvents, logger: log, clock, caPem: pki.caCertPem, credentialsApplied: (username) => broker.credentialsApplied(username) });

  // Revocation: a deleted Node takes its credentials (and Lease) with it; deleted credentials disconnect the device.
  nodes.onChange((type, node) => {
    if (type !== 'DELETED') return;
    const name = node.metadata.name ?? '';
    reports.forget(name);
    metrics.forget(name);
    requests.nodeGone(name);
    kubeletEvents.forget(name);
    for (const ref of [{ resource: DEVICE_CREDENTIAL_RESOURCE, name }, { resource: LEASE_RESOURCE, namespace: LEASE_NAMESPACE, name }]) {
      store.delete(ref).catch((err: unknown) => {
        if (!isFlotillaError(err, 'NotFound')) log.error({ err, node: name }, 'cleaning up after a deleted node failed');
      });
    }
  });
  devices.onChange((type, cred) => {
    if (type === 'DELETED') broker.revoke(cred.metadata.name ?? '');
  });
  pods.onChange((type, pod) => {
    if (type === 'DELETED' && pod.metadata.uid) podStatuses.forgetPod(pod.metadata.uid);
  });

  const dispatcher = new ChannelDispatcher(transport, {
    join: (clientId, msg) => provisioner.join(clientId, msg),
    heartbeat: (node) => leases.heartbeat(node),
    status: (node, msg) => reports.status(node, msg),
    pods: (node, msg) => podStatuses.report(node, msg),
    ack: (node, msg) => publisher.ack(node, msg.version, msg.applied, msg.error),
    events: (node, msg) => {
      if (!nodes.get(node)) return;
      const dropped = kubeletEvents.report(node, msg);
      if (dropped > 0) log.warn({ node, dropped }, 'node channel: events about pods not bound to the reporting node ignored');
    },
    presence: async (node, msg) => {
      await reports.presenceChanged(node, msg);
      if (!msg.online) requests.nodeGone(node);
    },
    metrics: (node, msg) => {
      if (nodes.get(node)) metrics.add(node, msg);
    },
    response: (node, msg) => requests.response(node, msg),
  }, log);

  await informers.start();
  await dispatcher.start();
  const lifecycle = new Controller(new NodeLifecycleReconciler(store, { clock, gracePeriodMs: options.gracePeriodMs, events: controllerEvents, logger: log, pods }), { store, logger: log, clock });
  await lifecycle.start();
  log.info({ broker: broker.advertiseUrl, gracePeriodMs: options.gracePeriodMs }, 'node channel ready');

  const fingerprint = caFingerprint(pki.caCertPem).replace(/^sha256:/, '');
  return {
    resources: [joinTokenResource(() => ({ broker: broker.advertiseUrl, caFingerprint: fingerprint }), (username) => broker.credentialsApplied(username)), deviceCredentialResource(), ...metricsResources()],
    podLogs: podLogProvider(requests, clock),
    requests,
    broker,
    leases,
    serveHttp(path, _req, res) {
      if (path === '/metrics') {
        const mosquitto = broker.stats?.();
        let ready = 0;
        for (const n of nodes.list()) if ((n.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready++;
        const body = prometheusText(metrics, {
          flotilla_nodes: { help: 'Nodes in the store', value: nodes.size },
          flotilla_nodes_ready: { help: 'Nodes whose Ready condition is True', value: ready },
          flotilla_heartbeats_written: { help: 'Lease renewals written since start', value: leases.latency.count },
          flotilla_nodes_connected: { help: 'Devices with an MQTT session (embedded broker: clients)', value: broker.embedded?.connectedClients() ?? 0 },
          flotilla_heartbeat_store_latency_p99_ms: { help: 'Heartbeat receipt to Lease written, 99th percentile over the last 30 s', value: leases.latency.percentile(99) },
          flotilla_node_channel_rejected_messages: { help: 'Messages dropped because they did not decode', value: dispatcher.rejected },
          flotilla_desired_states_published: { help: 'Desired-state publishes since start', value: publisher.published },
          ...(mosquitto
            ? {
                flotilla_mosquitto_reloads: { help: 'Confirmed rewrites and reloads of the managed mosquitto files', value: mosquitto.reloads },
                flotilla_mosquitto_probe_retries: { help: 'Probe logins refused after a reload (not yet reloaded, or the signal was lost)', value: mosquitto.retries },
                flotilla_mosquitto_last_reload_ms: { help: 'From asking mosquitto to reload until the probe login got in, last reload', value: mosquitto.lastReloadMs },
              }
            : {}),
        });
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
        return true;
      }
      return serveMetricsApi(path, metrics, res);
    },
    async close() {
      publisher.stop();
      dispatcher.close();
      await lifecycle.stop();
      informers.stop();
      await broker.close();
    },
  };
}
