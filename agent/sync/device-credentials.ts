// The device's own MQTT credentials, received when it joined: kept in the data dir, 0600, written
// atomically, and used on every start from then on (the join token is no longer needed).

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface DeviceCredentials {
  broker: string;
  nodeName: string;
  username: string;
  password: string;
  /** The CA the broker's certificate chains to (PEM); empty for plain mqtt://. */
  caPem: string;
}

export function credentialsPath(dataDir: string): string {
  return join(dataDir, 'device-credentials.json');
}

export function loadCredentials(dataDir: string): DeviceCredentials | undefined {
  const file = credentialsPath(dataDir);
  if (!existsSync(file)) return undefined;
  const c = JSON.parse(readFileSync(file, 'utf8')) as Partial<DeviceCredentials>;
  if (typeof c.broker !== 'string' || typeof c.nodeName !== 'string' || typeof c.username !== 'string' || typeof c.password !== 'string') {
    throw new Error(`${file} is damaged: delete it and join again with a token`);
  }
  return { broker: c.broker, nodeName: c.nodeName, username: c.username, password: c.password, caPem: c.caPem ?? '' };
}

export function saveCredentials(dataDir: string, creds: DeviceCredentials): void {
  const file = credentialsPath(dataDir);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
