// A minimal client for the Flotilla API used by the CLI's client commands: JSON over HTTPS with the
// kubeconfig's CA and bearer token. Errors carry the server's Status message.

import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { readKubeconfig, type KubeconfigParts } from '../server/auth/kubeconfig';

export class ApiClient {
  constructor(private readonly config: KubeconfigParts) {}

  static fromKubeconfig(path: string): ApiClient {
    return new ApiClient(readKubeconfig(path));
  }

  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.config.server);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${this.config.token}` };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<T>((resolve, reject) => {
      const req = send(url, { method, headers, ca: this.config.caPem || undefined, timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          if ((res.statusCode ?? 0) >= 400) {
            const message = (parsed as { message?: string } | undefined)?.message ?? text;
            reject(new Error(`${method} ${url.pathname}: ${res.statusCode}: ${message}`));
            return;
          }
          resolve(parsed as T);
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.href}: timed out`)));
      req.on('error', (err) => reject(new Error(`cannot reach the Flotilla server at ${this.config.server}: ${err.message}`)));
      if (payload) req.write(payload);
      req.end();
    });
  }
}
