// One throw-away MQTT login: does the broker accept these credentials right now? Used to confirm
// that an external mosquitto has loaded a rewritten password file (see mosquitto-sync.ts).

import { connect } from 'mqtt';

export interface ProbeOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  /** CA to verify an mqtts:// or wss:// broker with. */
  caPem?: string;
  /** Default 10 s. */
  timeoutMs?: number;
}

/** Resolves true when the broker sends CONNACK "accepted"; false when it refuses, fails or does not answer in time. */
export function probeLogin(options: ProbeOptions): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = connect(options.url, {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    protocolVersion: 4,
    clean: true,
    keepalive: 0,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    ...(options.caPem ? { ca: options.caPem } : {}),
  });
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      client.end(true);
      resolve(ok);
    };
    client.once('connect', () => done(true));
    client.once('error', () => done(false));
    client.once('close', () => done(false));
  });
}
