// Helpers for node-channel end-to-end tests: join tokens from the real CLI, in-process agents (the
// real NodeChannelAgent over real MQTT, with a fake kubelet) whose link a test can block, and raw
// MQTT clients with a device's credentials.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import pino from 'pino';
import { mqttDialer, NodeChannelAgent, type Dialer } from '../../agent/sync/channel-agent';
import { FakeKubelet } from '../../agent/sync/fake/fake-kubelet';
import type { MetricsSource } from '../../agent/sync/types';
import { simInfo } from '../../agent/sim/node-info';
import { FLOTILLA_BIN } from './server-process';

export function joinToken(dataDir: string, args: string[] = []): string {
  const r = spawnSync(process.execPath, [FLOTILLA_BIN, 'token', 'create', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`flotilla token create failed: ${r.stderr}`);
  return r.stdout.trim();
}

export interface TestAgent {
  agent: NodeChannelAgent;
  kubelet: FakeKubelet;
  dataDir: string;
  logs: Array<Record<string, unknown>>;
  /** While blocked, every dial fails (a cut link); `cut()` also drops the current link. */
  cut(): Promise<void>;
  restore(): void;
}

const fixedMetrics: MetricsSource = {
  sample: async () => ({
    time: new Date().toISOString(),
    windowSeconds: 1,
    node: { cpuNanoCores: 250_000_000, memoryWorkingSetBytes: 512 * 1024 * 1024, memoryAvailableBytes: 1024 * 1024 * 1024, fsUsedBytes: 1, fsCapacityBytes: 2, networkRxBytes: 3, networkTxBytes: 4, temperatureCelsius: 51.5 },
    pods: [],
  }),
};

export async function startTestAgent(node: string, token: string, options: { broker?: string; heartbeatMs?: number } = {}): Promise<TestAgent> {
  const dataDir = mkdtempSync(join(tmpdir(), `flotilla-agent-${node}-`));
  const kubelet = new FakeKubelet();
  const logs: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  let blocked = false;
  const dial: Dialer = async (o) => {
    if (blocked) throw new Error('link cut by the test');
    return mqttDialer(o);
  };
  const agent = new NodeChannelAgent({
    dataDir,
    kubelet,
    info: simInfo(node),
    metrics: fixedMetrics,
    log,
    token,
    nodeName: node,
    dial,
    ...(options.broker ? { broker: options.broker } : {}),
    intervals: { heartbeatMs: options.heartbeatMs ?? 500, metricsMs: 1000, podStatusMs: 50 },
  });
  try {
    await agent.start();
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    agent,
    kubelet,
    dataDir,
    logs,
    async cut() {
      blocked = true;
      await agent.dropLink();
    },
    restore() {
      blocked = false;
    },
  };
}

/** A raw MQTT client (MQTT.js) with given credentials; rejects when the broker refuses. */
export function rawClient(url: string, o: { username: string; password: string; clientId: string; caPem?: string }): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = connect(url, { username: o.username, password: o.password, clientId: o.clientId, reconnectPeriod: 0, protocolVersion: 4, ...(o.caPem ? { ca: o.caPem } : {}) });
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
  });
}

export { kubectlAsync, kubectlAsyncOk } from './kubectl';
