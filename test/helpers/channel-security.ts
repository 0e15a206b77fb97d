// The same security checks against every broker (embedded aedes, external mosquitto), with the
// real mosquitto_sub / mosquitto_pub and device A's credentials: A reads and writes its own
// subtree (positive controls) but cannot read B's desired state, anyone's provisioning replies,
// or write into B's subtree.

import { spawn } from 'node:child_process';
import type { DeviceCredentials } from '../../agent/sync/device-credentials';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs mosquitto_sub/mosquitto_pub without blocking the event loop. */
export function mosquittoCli(cmd: 'mosquitto_sub' | 'mosquitto_pub', args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.once('error', (err) => reject(new Error(`${cmd} is needed (Debian package mosquitto-clients): ${err.message}`)));
    p.once('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

export interface SecurityContext {
  port: number;
  /** Device A's credentials; A's agent must be stopped (the embedded broker ties a device to its client id). */
  a: DeviceCredentials;
  /** The other device's node name. */
  b: string;
  /** The client id A connects with (embedded broker: its node name). */
  clientId: string;
  /** Node labels as the server stores them. */
  labels(node: string): Promise<Record<string, string>>;
  /** Makes another device join while A listens for provisioning replies. */
  joinAnother(): Promise<void>;
}

function auth(c: SecurityContext): string[] {
  return ['-h', '127.0.0.1', '-p', String(c.port), '-u', c.a.username, '-P', c.a.password, '-i', c.clientId, '-V', 'mqttv311'];
}

const statusMessage = (labels: Record<string, string>) =>
  JSON.stringify({ kind: 'status', labels, capacity: { cpu: '1' }, allocatable: { cpu: '1' }, nodeInfo: {}, addresses: [], conditions: [] });

export function securityChecks(context: () => SecurityContext): void {
  it("with device A's credentials, mosquitto_sub reads A's own desired state but nothing of B's subtree", async () => {
    const c = context();
    const own = await mosquittoCli('mosquitto_sub', [...auth(c), '-v', '-C', '1', '-W', '5', '-t', `flotilla/v1/nodes/${c.a.nodeName}/down/desired`]);
    expect(own.stdout).toContain(`flotilla/v1/nodes/${c.a.nodeName}/down/desired {"kind":"desired"`);
    for (const filter of [`flotilla/v1/nodes/${c.b}/down/desired`, `flotilla/v1/nodes/${c.b}/#`, 'flotilla/v1/nodes/+/down/+', '#']) {
      const other = await mosquittoCli('mosquitto_sub', [...auth(c), '-v', '-W', '2', '-t', filter]);
      // Wildcards may still deliver A's own topics (mosquitto filters per message); never B's.
      const leaked = other.stdout.split('\n').filter((line) => line !== '' && !line.startsWith(`flotilla/v1/nodes/${c.a.nodeName}/down/`));
      expect({ filter, leaked }).toEqual({ filter, leaked: [] });
    }
  });

  it("with device A's credentials, mosquitto_sub sees no one's provisioning replies", async () => {
    const c = context();
    const spy = mosquittoCli('mosquitto_sub', [...auth(c), '-v', '-W', '6', '-t', 'flotilla/v1/provision/+/reply', '-t', 'flotilla/v1/provision/#']);
    await new Promise((r) => setTimeout(r, 500));
    await c.joinAnother();
    expect((await spy).stdout).toBe('');
  });

  it("with device A's credentials, mosquitto_pub can write A's subtree but not B's, and only A's fact labels", async () => {
    const c = context();
    await mosquittoCli('mosquitto_pub', [...auth(c), '-q', '1', '-t', `flotilla/v1/nodes/${c.b}/up/status`, '-m', statusMessage({ 'flotilla.io/forged-by-a': 'yes' })]);
    const before = await c.labels(c.a.nodeName);
    const claim = { 'flotilla.io/own-report': 'yes', 'node-restriction.kubernetes.io/trusted': 'true', 'node-role.kubernetes.io/control-plane': '', site: 'forged' };
    await mosquittoCli('mosquitto_pub', [...auth(c), '-q', '1', '-t', `flotilla/v1/nodes/${c.a.nodeName}/up/status`, '-m', statusMessage(claim)]);
    const end = Date.now() + 10_000;
    while (!(await c.labels(c.a.nodeName))['flotilla.io/own-report'] && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    const after = await c.labels(c.a.nodeName);
    expect(after).toMatchObject({ 'flotilla.io/own-report': 'yes' });
    expect(after['node-restriction.kubernetes.io/trusted']).toBeUndefined();
    expect(after['node-role.kubernetes.io/control-plane']).toBeUndefined();
    expect(after.site).toBe(before.site);
    expect((await c.labels(c.b))['flotilla.io/forged-by-a']).toBeUndefined();
  });
}
