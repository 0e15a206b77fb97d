// GET pods/{name}/log (kubectl logs [-f] [--tail] [--since] [-c] [--previous] [--timestamps])
// served through the node channel: query → a logs request to the pod's device → streamed text.

import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Pod } from '../../shared/api/core';
import type { KubeObject } from '../../shared/api/types';
import type { Clock } from '../../shared/clock';
import { badRequest } from '../../shared/errors';
import type { LogsRequest } from '../../shared/channel/messages';
import type { RequestBroker } from './requests';

function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`${name} must be a non-negative integer: got "${v}"`);
  return n;
}

function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name);
  return v === null ? undefined : v === 'true' || v === '1';
}

/** Turns the log query into a request (validated; kubectl sends sinceSeconds, tailLines, container, follow, previous, timestamps, limitBytes). */
export function logsRequestFrom(pod: Pod, query: URLSearchParams, now: number): Omit<LogsRequest, 'kind' | 'id'> {
  const containers = pod.spec.containers.map((c) => c.name);
  const container = query.get('container') ?? undefined;
  if (container !== undefined && ![...containers, ...(pod.spec.initContainers ?? []).map((c) => c.name)].includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${pod.metadata.name ?? ''}`);
  }
  if (container === undefined && containers.length > 1) {
    throw badRequest(`a container name must be specified for pod ${pod.metadata.name ?? ''}, choose one of: [${containers.join(' ')}]`);
  }
  const sinceSeconds = intParam(query, 'sinceSeconds');
  const sinceTimeText = query.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTimeText) throw badRequest('at most one of sinceTime or sinceSeconds may be specified');
  let sinceTime: string | undefined;
  if (sinceSeconds !== undefined) sinceTime = new Date(now - sinceSeconds * 1000).toISOString();
  if (sinceTimeText) {
    const t = Date.parse(sinceTimeText);
    if (!Number.isFinite(t)) throw badRequest(`sinceTime must be an RFC 3339 time: got "${sinceTimeText}"`);
    sinceTime = new Date(t).toISOString();
  }
  const tailLines = intParam(query, 'tailLines');
  const limitBytes = intParam(query, 'limitBytes');
  const follow = boolParam(query, 'follow');
  const previous = boolParam(query, 'previous');
  const timestamps = boolParam(query, 'timestamps');
  return {
    namespace: pod.metadata.namespace ?? 'default',
    pod: pod.metadata.name ?? '',
    ...(container !== undefined ? { container } : containers[0] !== undefined ? { container: containers[0] } : {}),
    ...(follow ? { follow } : {}),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(sinceTime ? { sinceTime } : {}),
    ...(timestamps ? { timestamps } : {}),
    ...(previous ? { previous } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
  };
}

/** Resolves when `res` drained or closed, leaving no listener behind. */
async function drained(res: ServerResponse): Promise<void> {
  const done = new AbortController();
  try {
    await Promise.race([once(res, 'drain', { signal: done.signal }), once(res, 'close', { signal: done.signal })]);
  } finally {
    done.abort(); // the other once() lets go of its listeners (and rejects, handled by the race)
  }
}

/**
 * A PodLogProvider for the API handler. Errors before the first byte become a Status; later ones end
 * the stream. The text is taken from the device only as fast as the client reads it.
 */
export function podLogProvider(requests: RequestBroker, clock: Clock) {
  return async (obj: KubeObject, query: URLSearchParams, res: ServerResponse): Promise<void> => {
    const pod = obj as Pod;
    const node = pod.spec.nodeName ?? '';
    const request = logsRequestFrom(pod, query, clock.now());
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const stream = requests.logs(node, request, abort.signal);
    // Headers wait for the first text (or the end): an error the device reports before that is a Status.
    let first = await stream.next();
    while (!first.done && first.value === '') first = await stream.next();
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
    while (!first.done) {
      // A reader slower than the device: wait for its socket before asking for more (the device waits with us).
      if (first.value && !res.write(first.value) && !res.destroyed) await drained(res);
      try {
        first = await stream.next();
      } catch {
        break;
      }
    }
    res.end();
  };
}
