// What one reload of Debian's mosquitto costs as the fleet grows: a password file of N device
// entries (flotilla's `$7$` hashes) with C of those devices connected; SIGHUP, then time until a
// device whose credentials were just added is accepted, and mosquitto's CPU time for the reload.
// Usage: node -r ./test/setup/swc-register.js bench/mosquitto-reload.ts [entries=1000,10000] [clients=0,2000,10000] [iterations=101,1]

import { readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { mosquittoAcl } from '../server/mqtt/acl';
import { mosquittoHash } from '../server/mqtt/credentials';
import { renderPasswordFile, type PasswordEntry } from '../server/mqtt/mosquitto';
import { startMosquitto, type Mosquitto } from '../test/helpers/mosquitto';

const PASSWORD = 'bench-password-0123456789';

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function dial(port: number, user: string, timeoutMs = 30_000): Promise<MqttClient> {
  const c = connect(`mqtt://127.0.0.1:${port}`, { clientId: user, username: user, password: PASSWORD, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: timeoutMs, keepalive: 600 });
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
    c.once('close', () => reject(new Error(`closed before CONNACK (${user})`)));
  });
}

const user = (i: number): string => `dev-${String(i).padStart(5, '0')}`;

async function measure(entries: number, clients: number, hash: string): Promise<{ reloadMs: number[]; cpuMs: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-mosq-reload-'));
  let mosq: Mosquitto | undefined;
  const conns: MqttClient[] = [];
  try {
    mosq = await startMosquitto(dir);
    const m = mosq;
    const pid = m.proc.pid ?? 0;
    const list: PasswordEntry[] = Array.from({ length: entries }, (_, i) => ({ username: user(i + 1), hash }));
    writeFileSync(m.aclFile, mosquittoAcl('_server'));
    writeFileSync(m.passwordFile, renderPasswordFile(list));
    process.kill(pid, 'SIGHUP');
    await new Promise((r) => setTimeout(r, 1000));
    let next = 1;
    await Promise.all(Array.from({ length: 100 }, async () => {
      for (let i = next++; i <= clients; i = next++) conns.push(await dial(m.port, user(i)));
    }));
    await new Promise((r) => setTimeout(r, 2000));
    const reloadMs: number[] = [];
    const cpuMs: number[] = [];
    for (let round = 1; round <= 3; round++) {
      list.push({ username: `new-${round}`, hash });
      writeFileSync(m.passwordFile, renderPasswordFile(list));
      const cpu0 = cpuSeconds(pid);
      const t0 = process.hrtime.bigint();
      process.kill(pid, 'SIGHUP');
      // mosquitto's loop is one thread: the first CONNECT after the signal is served after the reload.
      for (;;) {
        try {
          const c = await dial(m.port, `new-${round}`);
          c.end(true);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      reloadMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      await new Promise((r) => setTimeout(r, 1500));
      cpuMs.push((cpuSeconds(pid) - cpu0) * 1000);
    }
    return { reloadMs, cpuMs };
  } finally {
    for (const c of conns) c.end(true);
    await mosq?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const entriesList = (process.argv[2] ?? '1000,10000').split(',').map(Number);
  const clientsList = (process.argv[3] ?? '0,2000,10000').split(',').map(Number);
  const iterationsList = (process.argv[4] ?? '101,1').split(',').map(Number);
  console.log('mosquitto reload cost — password file of N entries, C of them connected; 3 reloads each (ms: time until a new device is accepted / mosquitto CPU)');
  for (const iterations of iterationsList) {
    const hash = mosquittoHash(PASSWORD, undefined, iterations);
    for (const entries of entriesList) {
      for (const clients of clientsList) {
        if (clients > entries) continue;
        const r = await measure(entries, clients, hash);
        const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');
        console.log(`PBKDF2 iterations ${iterations}, entries ${entries}, connected ${clients}: accepted after [${fmt(r.reloadMs)}] ms, mosquitto CPU [${fmt(r.cpuMs)}] ms`);
      }
    }
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
