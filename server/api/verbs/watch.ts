// ?watch=true on a collection (or a single object via fieldSelector metadata.name): a chunked stream
// of {"type":…,"object":…} lines. Without resourceVersion the current objects come first as ADDED
// (list-then-watch), then changes. One store subscription per watch, dropped when the client goes
// away or timeoutSeconds passes. A too-old resourceVersion answers an ERROR event with a 410 Status.

import type { KubeObject } from '../../../shared/api/types';
import { FlotillaError } from '../../../shared/errors';
import type { StoreEvent } from '../../store/types';
import type { ResourceRequest } from '../context';
import { tableVersion } from '../negotiate';
import { storeResource } from '../registry';
import { statusFromError } from '../status';
import { buildTable, parseIncludeObject } from '../tables/table';
import { listFiltered, matchesFilter, parseFilter, type ObjectFilter } from './read';

/** How often a BOOKMARK is sent when the client allows them. */
const BOOKMARK_INTERVAL_MS = 60_000;
/** Output a watcher may leave unread before its watch is closed. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/** Parsed prevJson, shared by every watcher of an event (events are shared and frozen). */
const previousObjects = new WeakMap<StoreEvent, KubeObject>();

function previousOf(e: StoreEvent): KubeObject | undefined {
  if (e.prevJson === undefined) return undefined;
  let prev = previousObjects.get(e);
  if (!prev) previousObjects.set(e, (prev = JSON.parse(e.prevJson) as KubeObject));
  return prev;
}

/**
 * The event a selector-filtered watcher gets, as kube-apiserver's cacheWatcher decides it from the
 * object before and after the change: entering the selection is ADDED, leaving it DELETED,
 * changing inside it MODIFIED, and nothing when it was outside before and after.
 */
export function filteredType(e: StoreEvent, filter: ObjectFilter): StoreEvent['type'] | undefined {
  if (filter.labels.empty && filter.fields.empty) return e.type;
  const now = e.type !== 'DELETED' && matchesFilter(filter, e.object);
  const prev = e.type === 'ADDED' ? undefined : previousOf(e);
  const before = e.type === 'ADDED' ? false : prev ? matchesFilter(filter, prev) : matchesFilter(filter, e.object);
  if (now) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}

export async function handleWatch(r: ResourceRequest): Promise<void> {
  const filter = parseFilter(r.def, r.query);
  if (r.name !== undefined) throw new FlotillaError('BadRequest', 'watch of a single object: use a list URL with fieldSelector=metadata.name=NAME');
  const tv = tableVersion(r.req.headers.accept);
  const includeObject = parseIncludeObject(r.query.get('includeObject'));
  const timeout = Number(r.query.get('timeoutSeconds') ?? '0');
  const requestedRv = r.query.get('resourceVersion') ?? '';
  const abort = new AbortController();
  let firstTable = true;

  const encode = (type: string, obj: KubeObject, json?: string): string => {
    // The store serialized the object once for every watcher: reuse it instead of stringifying per watcher.
    if (!tv && json !== undefined) return `{"type":"${type}","object":${json}}\n`;
    if (!tv || type === 'ERROR' || type === 'BOOKMARK') return JSON.stringify({ type, object: obj }) + '\n';
    const table = buildTable(r.def, [obj], { version: tv, includeObject, now: r.deps.now(), withColumns: firstTable });
    firstTable = false;
    return JSON.stringify({ type, object: table }) + '\n';
  };

  // List-then-watch when no (or "0") resourceVersion: the client wants the current state first.
  const initial: KubeObject[] = [];
  let fromRv = requestedRv;
  if (requestedRv === '' || requestedRv === '0') {
    const listed = await listFiltered(r, filter);
    initial.push(...listed.items);
    fromRv = listed.resourceVersion;
  }

  const pending: StoreEvent[] = [];
  let ready = false;
  let write = (_chunk: string): void => undefined;
  const deliver = (e: StoreEvent): void => {
    const type = filteredType(e, filter);
    if (type !== undefined) write(encode(type, e.object, e.json));
  };
  let lastRv = fromRv;
  const track = (e: StoreEvent): void => {
    lastRv = String(e.rv);
    deliver(e);
  };
  let unsubscribe: () => void;
  try {
    unsubscribe = r.deps.store.watch(
      { resource: storeResource(r.def), ...(r.def.namespaced && r.namespace ? { namespace: r.namespace } : {}), resourceVersion: fromRv, signal: abort.signal },
      (e) => (ready ? track(e) : pending.push(e)),
    );
  } catch (err) {
    if (!(err instanceof FlotillaError && err.code === 'Gone')) throw err;
    r.res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    r.res.end(JSON.stringify({ type: 'ERROR', object: statusFromError(err).status }) + '\n');
    return;
  }

  r.res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  r.res.flushHeaders();
  // Events of one tick go out as one write (one TLS record, one syscall) per watcher; a client that
  // stops reading is cut off once MAX_BUFFERED_BYTES wait for it, and relists like any dropped watch.
  let batch: string[] = [];
  let flushing = false;
  const flush = (): void => {
    flushing = false;
    if (r.res.writableEnded || batch.length === 0) return;
    r.res.write(batch.length === 1 ? (batch[0] as string) : batch.join(''));
    batch = [];
    if (r.res.writableLength > MAX_BUFFERED_BYTES) close();
  };
  write = (chunk) => {
    batch.push(chunk);
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  };
  const timers: NodeJS.Timeout[] = [];
  const close = (): void => {
    abort.abort();
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (!r.res.writableEnded) {
      flush();
      r.res.end();
    }
  };
  r.req.on('close', close);
  r.res.on('close', close);
  if (timeout > 0) timers.push(setTimeout(close, timeout * 1000));
  if (r.query.get('allowWatchBookmarks') === 'true') {
    const bookmark = setInterval(() => {
      write(JSON.stringify({ type: 'BOOKMARK', object: { kind: r.def.kind, apiVersion: r.def.group ? `${r.def.group}/${r.def.version}` : r.def.version, metadata: { resourceVersion: lastRv } } }) + '\n');
    }, BOOKMARK_INTERVAL_MS);
    timers.push(bookmark);
  }
  for (const o of initial) write(encode('ADDED', o));
  ready = true;
  for (const e of pending.splice(0)) track(e);
}
