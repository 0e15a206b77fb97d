// The `flotilla sim` command: starts the simulated fleet, reports progress on stderr (JSON lines,
// "sim ready" once all joined), and stops cleanly on SIGINT/SIGTERM.

import { mkdirSync } from 'node:fs';
import pino from 'pino';
import { isQualifiedName, isValidLabelValue } from '../../shared/api/validation/names';
import { startSim } from './sim';
import { parseSizes } from './sizes';

export interface SimCommandOptions {
  token: string;
  /** Default: the sum of --sizes, else 10. */
  nodes?: string;
  /** "pi-zero-2w:10,pi-4-4g:30,pi-5-8g:10" */
  sizes?: string;
  /** "k=v,k2=v2" */
  labels?: string;
  lightweight?: boolean;
  broker?: string;
  dataDir: string;
  prefix: string;
  heartbeat?: string;
  statusEvery?: string;
  concurrency?: string;
  logLevel: string;
}

/** Parses "k=v,k2=v2"; throws naming the bad pair. */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = pair.indexOf('=');
    const [key, value] = [pair.slice(0, i), pair.slice(i + 1)];
    const errs = i <= 0 ? ['must be k=v'] : [...isQualifiedName(key), ...isValidLabelValue(value)];
    if (errs.length > 0) throw new Error(`--labels must be k=v pairs separated by commas: "${pair}": ${errs.join('; ')}`);
    out[key] = value;
  }
  return out;
}

export async function runSim(opts: SimCommandOptions): Promise<void> {
  const nodesGiven = opts.nodes === undefined ? undefined : Number(opts.nodes);
  if (nodesGiven !== undefined && (!Number.isInteger(nodesGiven) || nodesGiven < 1)) throw new Error(`--nodes must be a whole number ≥ 1: got "${opts.nodes}"`);
  const sizes = parseSizes(opts.sizes, nodesGiven ?? (opts.sizes ? undefined : 10));
  const nodes = sizes.length;
  if (nodes < 1) throw new Error(`--sizes must name at least one node: got "${opts.sizes}"`);
  const labels = opts.labels ? parseLabels(opts.labels) : undefined;
  const log = pino({ level: opts.logLevel === 'debug' || opts.logLevel === 'trace' ? opts.logLevel : 'info', base: { component: 'sim' } }, pino.destination({ dest: 2, sync: false }));
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const started = Date.now();
  const heartbeatMs = opts.heartbeat ? Number(opts.heartbeat) * 1000 : undefined;
  const sim = await startSim({
    token: opts.token,
    nodes,
    sizes,
    ...(labels ? { labels } : {}),
    ...(opts.lightweight ? { lightweight: true } : {}),
    dataDir: opts.dataDir,
    prefix: opts.prefix,
    // Per-device chatter (connected, reconnecting) only at --log-level debug; the fleet's own lines at info.
    log: opts.logLevel === 'debug' || opts.logLevel === 'trace' ? log : log.child({}, { level: 'warn' }),
    ...(opts.broker ? { broker: opts.broker } : {}),
    ...(heartbeatMs ? { intervals: { heartbeatMs } } : {}),
    ...(opts.concurrency ? { concurrency: Number(opts.concurrency) } : {}),
  });
  log.info({ nodes: sim.agents.length, kubelet: opts.lightweight ? 'lightweight' : 'real', ms: Date.now() - started }, 'sim ready');
  const status = (): void => log.info({ connected: sim.connected(), nodes: sim.agents.length, uplinkBytes: sim.agents.reduce((n, a) => n + a.bytesWritten(), 0), sessions: sim.agents.reduce((n, a) => n + a.sessions, 0), running: sim.running(), ...sim.podChanges() }, 'sim status');
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
