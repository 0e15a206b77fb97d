// Container logs as Runtime LogLines: timestamps parsed, and a follow that does not lose an exiting container's last lines.

import type { LogLine, LogOptions } from '../types';
import type { LogQuery } from './containers';
import { splitTimestamp, type StreamName } from './streams';

export type LogSource = (query: LogQuery) => AsyncIterable<{ stream: StreamName; line: string }>;

/**
 * Reads the log once, or follows it. Podman 4.3 can end a follow stream before the last lines of an
 * exiting container, so a follow is completed by one more read from the last timestamp seen (second
 * resolution), skipping the lines already given at that second.
 */
export async function* readLogs(source: LogSource, options: LogOptions): AsyncGenerator<LogLine> {
  const strip = (l: LogLine): LogLine => (options.timestamps ? l : { stream: l.stream, line: l.line });
  if (!options.follow) {
    for await (const l of read(source, options)) yield strip(l);
    return;
  }
  let last: number | undefined;
  const seenAtLast = new Map<string, number>();
  for await (const l of read(source, { ...options, timestamps: true })) {
    const t = l.time?.getTime();
    if (t !== last) seenAtLast.clear();
    last = t;
    seenAtLast.set(l.stream, (seenAtLast.get(l.stream) ?? 0) + 1);
    yield strip(l);
  }
  if (options.signal?.aborted) return;
  const catchUp = last === undefined ? { since: options.since, tailLines: options.tailLines } : { since: new Date(last) };
  for await (const l of read(source, { ...catchUp, timestamps: true })) {
    const t = l.time?.getTime() ?? 0;
    if (last !== undefined && t < last) continue;
    const skip = t === last ? seenAtLast.get(l.stream) ?? 0 : 0;
    if (skip > 0) {
      seenAtLast.set(l.stream, skip - 1);
      continue;
    }
    yield strip(l);
  }
}

async function* read(source: LogSource, options: LogOptions): AsyncGenerator<LogLine> {
  const query = { follow: options.follow, tail: options.tailLines, since: options.since, timestamps: options.timestamps, signal: options.signal };
  for await (const { stream, line } of source(query)) {
    if (stream === 'stdin') continue;
    if (!options.timestamps) {
      yield { stream, line };
      continue;
    }
    const { time, rest } = splitTimestamp(line);
    yield time ? { stream, line: rest, time } : { stream, line: rest };
  }
}
