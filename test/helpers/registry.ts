// A private image registry on loopback for pull tests: Debian's docker-registry on a free port with its
// storage in a temp dir, started and stopped by the test that needs it.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { freePort } from './ports';

export interface Registry {
  /** "127.0.0.1:PORT" */
  address: string;
  stop(): Promise<void>;
}

export async function startRegistry(dir: string): Promise<Registry> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const config = path.join(dir, 'config.yml');
  writeFileSync(config, `version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: ${path.join(dir, 'data')}}}\nhttp: {addr: "${address}"}\n`);
  const proc = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 100; i++) {
    if (await answers(`http://${address}/v2/`)) return { address, stop };
    if (proc.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`docker-registry did not answer on ${address}: ${stderr}`);
}

/** `podman push` of a local image into the registry (plain HTTP). */
export function pushImage(image: string, target: string, env: NodeJS.ProcessEnv): void {
  const r = spawnSync('podman', ['push', '--quiet', '--tls-verify=false', image, target], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`podman push ${image} ${target} failed: ${r.stderr}`);
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', () => resolve(false));
  });
}
