// The `flotilla sim` command: starts the simulated fleet, reports progress on stderr (JSON lines,
// "sim ready" once all joined), and stops cleanly on SIGINT/SIGTERM.

import { mkdirSync } from 'node:fs';
import pino from 'pino';
import { startSim } from './sim';

export interface SimCommandOptions {
  token: string;
  nodes: string;
  broker?: string;
  dataDir: string;
  prefix: string;
  heartbeat?: string;
  statusEvery?: string;
  concurrency?: string;
  logLevel: string;
}

export async function runSim(opts: SimCommandOptions): Promise<void> {
  const nodes = Number(opts.nodes);
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`--nodes must be a whole number ≥ 1: got "${opts.nodes}"`);
  const log = pino({ level: opts.logLevel === 'debug' || opts.logLevel === 'trace' ? opts.logLevel : 'info', base: { component: 'sim' } }, pino.destination({ dest: 2, sync: false }));
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const started = Date.now();
  const heartbeatMs = opts.heartbeat ? Number(opts.heartbeat) * 1000 : undefined;
  const sim = await startSim({
    token: opts.token,
    nodes,
    dataDir: opts.dataDir,
    prefix: opts.prefix,
    // Per-device chatter (connected, reconnecting) only at --log-level debug; the fleet's own lines at info.
    log: opts.logLevel === 'debug' || opts.logLevel === 'trace' ? log : log.child({}, { level: 'warn' }),
    ...(opts.broker ? { broker: opts.broker } : {}),
    ...(heartbeatMs ? { intervals: { heartbeatMs } } : {}),
    ...(opts.concurrency ? { concurrency: Number(opts.concurrency) } : {}),
  });
  log.info({ nodes: sim.agents.length, ms: Date.now() - started }, 'sim ready');
  const status = (): void => log.info({ connected: sim.connected(), nodes: sim.agents.length, uplinkBytes: sim.agents.reduce((n, a) => n + a.bytesWritten(), 0), sessions: sim.agents.reduce((n, a) => n + a.sessions, 0), ...sim.podChanges() }, 'sim status');
  status();
  const timer = setInterval(status, Number(opts.statusEvery ?? '10') * 1000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  clearInterval(timer);
  await sim.stop();
  log.info('sim stopped');
  log.flush();
}
