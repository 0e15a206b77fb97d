// libpod image endpoints: exists, inspect, pull with a policy, load from an archive, tag, untag, remove.

import { createReadStream } from 'node:fs';
import { FlotillaError } from '../../../shared/errors';
import { readAll, type PodmanHttp } from './http';
import type { PullLine } from './libpod-types';
import { ndjson } from './streams';

const enc = encodeURIComponent;

/** libpod's pull policies: "missing" pulls only when absent, "never" fails when absent. */
export type LibpodPullPolicy = 'always' | 'missing' | 'never' | 'newer';

export interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  Architecture?: string;
  Os?: string;
  Labels?: Record<string, string> | null;
}

export class ImagesApi {
  constructor(private readonly http: PodmanHttp) {}

  async exists(ref: string): Promise<boolean> {
    return (await this.http.call('GET', `/images/${enc(ref)}/exists`, { accept: [404] })) === 204;
  }

  async inspect(ref: string): Promise<ImageInspect> {
    return this.http.json<ImageInspect>('GET', `/images/${enc(ref)}/json`);
  }

  /** Pulls per policy and returns the image ID. An absent image under "never" is NotFound; pull failures are ServiceUnavailable. */
  async pull(ref: string, policy: LibpodPullPolicy, options: { tlsVerify?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    const query = { reference: ref, policy, quiet: true, tlsVerify: options.tlsVerify };
    const res = await this.http.request('POST', '/images/pull', { query, signal: options.signal });
    let id: string | undefined;
    for await (const line of ndjson<PullLine>(res)) {
      if (line.error) {
        const notFound = /image not known|no such image/i.test(line.error);
        throw new FlotillaError(notFound ? 'NotFound' : 'ServiceUnavailable', `podman pull ${ref} (policy ${policy}): ${line.error}`);
      }
      id = line.id ?? line.images?.[0] ?? id;
    }
    if (id === undefined) throw new FlotillaError('InternalError', `podman pull ${ref}: no image ID in the reply`);
    return id;
  }

  /** Loads a docker-archive or oci-archive tarball; returns the names it brought in. */
  async load(archivePath: string): Promise<string[]> {
    const res = await this.http.request('POST', '/images/load', { stream: createReadStream(archivePath), contentType: 'application/x-tar' });
    const body = JSON.parse((await readAll(res)).toString('utf8')) as { Names?: string[] | null };
    return body.Names ?? [];
  }

  /** Adds `repo:tag` (e.g. "localhost/x" and "1.0") to an existing image. */
  async tag(ref: string, repo: string, tag: string): Promise<void> {
    await this.http.call('POST', `/images/${enc(ref)}/tag`, { query: { repo, tag } });
  }

  /** Removes one name from an image, leaving the image and its other names. */
  async untag(ref: string, repo: string, tag: string): Promise<void> {
    await this.http.call('POST', `/images/${enc(ref)}/untag`, { query: { repo, tag } });
  }

  /** Removes the image (or, for a tag of a multi-tagged image, just that tag). Gone already is fine. */
  async remove(ref: string, options: { force?: boolean } = {}): Promise<void> {
    await this.http.call('DELETE', `/images/${enc(ref)}`, { query: { force: options.force }, accept: [404] });
  }
}

/** The registry host of a reference ("127.0.0.1:5000/a/b:1" → "127.0.0.1:5000"); undefined for short names. */
export function registryOf(ref: string): string | undefined {
  const slash = ref.indexOf('/');
  if (slash < 0) return undefined;
  const first = ref.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

/** Splits "host/repo:tag" into repo and tag ("latest" when absent; digests are not handled). */
export function splitRef(ref: string): { repo: string; tag: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: 'latest' };
}
