// The embedded broker's ports across restarts. Devices keep the broker URL they joined with, so a
// listener asked for with port 0 ("any free port") takes a free port at its first start and the
// same port at every later start: the ports chosen are kept in DATA_DIR/mqtt/ports.json. An
// explicit port is used as given and leaves the remembered one alone.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Listener = 'mqtt' | 'mqtts' | 'ws';

/** Port per listener; a listener that is off is absent. */
export type BrokerPorts = Partial<Record<Listener, number>>;

const LISTENERS: readonly Listener[] = ['mqtt', 'mqtts', 'ws'];

function validPort(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 65535;
}

/** The ports remembered in `file`; an absent or unreadable file remembers nothing. */
export function readRememberedPorts(file: string): BrokerPorts {
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
  const out: BrokerPorts = {};
  if (typeof parsed !== 'object' || parsed === null) return out;
  for (const l of LISTENERS) {
    const v = (parsed as Record<string, unknown>)[l];
    if (validPort(v)) out[l] = v;
  }
  return out;
}

/** The ports to listen on: each 0 replaced by the port remembered for that listener, if any. */
export function portsToListen(asked: BrokerPorts, remembered: BrokerPorts): BrokerPorts {
  const out: BrokerPorts = {};
  for (const l of LISTENERS) {
    const port = asked[l];
    if (port === undefined) continue;
    out[l] = port === 0 ? (remembered[l] ?? 0) : port;
  }
  return out;
}

/** Remembers the ports bound for listeners that were asked for with 0; others keep what was remembered. */
export function rememberPorts(file: string, asked: BrokerPorts, bound: BrokerPorts): void {
  const remembered = readRememberedPorts(file);
  const next: BrokerPorts = { ...remembered };
  for (const l of LISTENERS) {
    const b = bound[l];
    if (asked[l] === 0 && b !== undefined) next[l] = b;
  }
  if (LISTENERS.every((l) => next[l] === remembered[l])) return;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(next) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}
