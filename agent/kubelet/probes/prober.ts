// Runs one probe the way the kubelet does: exec in the container, HTTP GET or TCP connect against the pod IP.

import * as http from 'node:http';
import * as net from 'node:net';
import type { Container, IntOrString, Probe } from '../../../shared/api/core';
import type { Runtime } from '../../runtime/types';

export interface ProbeTarget {
  containerId: string;
  container: Container;
  podIP?: string;
}

export interface ProbeResult {
  ok: boolean;
  /** On failure: why, as the Unhealthy event says it ("HTTP probe failed with statuscode: 500"). */
  output: string;
}

export interface Prober {
  run(probe: Probe, target: ProbeTarget): Promise<ProbeResult>;
}

export class RuntimeProber implements Prober {
  constructor(private readonly runtime: Runtime) {}

  async run(probe: Probe, target: ProbeTarget): Promise<ProbeResult> {
    const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
    if (probe.exec) {
      try {
        const r = await this.runtime.exec(target.containerId, probe.exec.command ?? [], { timeoutMs });
        return { ok: r.exitCode === 0, output: `${r.stdout}${r.stderr}`.trim() || `command exited with ${r.exitCode}` };
      } catch (err) {
        return { ok: false, output: `command timed out or failed: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    const host = probe.httpGet?.host ?? probe.tcpSocket?.host ?? target.podIP;
    if (host === undefined) return { ok: false, output: 'the pod has no IP yet' };
    if (probe.httpGet) {
      const port = resolvePort(probe.httpGet.port, target.container);
      return httpProbe(probe.httpGet.scheme ?? 'HTTP', host, port, probe.httpGet.path ?? '/', probe.httpGet.httpHeaders ?? [], timeoutMs);
    }
    if (probe.tcpSocket) return tcpProbe(host, resolvePort(probe.tcpSocket.port, target.container), timeoutMs);
    return { ok: false, output: 'probe has no exec, httpGet or tcpSocket handler' };
  }
}

/** A port number, or the name of one of the container's ports. */
export function resolvePort(port: IntOrString, container: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort ?? -1;
}

function httpProbe(scheme: string, host: string, port: number, path: string, headers: { name: string; value: string }[], timeoutMs: number): Promise<ProbeResult> {
  const url = `${scheme.toLowerCase()}://${host.includes(':') ? `[${host}]` : host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  const mod: typeof http = scheme === 'HTTPS' ? (require('node:https') as typeof http) : http;
  return new Promise((resolve) => {
    const req = mod.get(url, { headers: { 'User-Agent': 'flotilla-probe', ...Object.fromEntries(headers.map((h) => [h.name, h.value])) }, timeout: timeoutMs, rejectUnauthorized: false } as http.RequestOptions, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { ok: true, output: '' } : { ok: false, output: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => req.destroy(new Error(`Get "${url}": context deadline exceeded`)));
    req.on('error', (err) => resolve({ ok: false, output: err.message.startsWith('Get ') ? err.message : `Get "${url}": ${err.message}` }));
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true, output: '' });
    });
    socket.once('timeout', () => socket.destroy(new Error('i/o timeout')));
    socket.once('error', (err) => resolve({ ok: false, output: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}
