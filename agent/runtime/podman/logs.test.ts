// Unit tests for log reading: timestamps stripped or parsed, and the catch-up read after a follow ends early.

import type { LogLine } from '../types';
import type { LogQuery } from './containers';
import { readLogs, type LogSource } from './logs';
import type { StreamName } from './streams';

type Raw = { stream: StreamName; line: string };
const at = (sec: number, stream: StreamName, text: string): Raw => ({ stream, line: `2026-01-01T00:00:${String(sec).padStart(2, '0')}Z ${text}` });

/** A log of `full` lines whose follow stream stops after `followed` of them, as Podman 4.3 sometimes does. */
function source(full: Raw[], followed: number, queries: LogQuery[]): LogSource {
  return async function* (query) {
    queries.push(query);
    const sinceMs = query.since?.getTime() ?? 0;
    const lines = query.follow ? full.slice(0, followed) : full.filter((l) => Date.parse(l.line.slice(0, 20)) >= sinceMs);
    yield* lines.map((l) => (query.timestamps ? l : { stream: l.stream, line: l.line.slice(21) }));
  };
}

async function collect(it: AsyncIterable<LogLine>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(`${l.stream}:${l.line}${l.time ? `@${l.time.getUTCSeconds()}` : ''}`);
  return out;
}

describe('readLogs', () => {
  const log = [at(1, 'stdout', 'a'), at(2, 'stdout', 'b'), at(2, 'stderr', 'e'), at(2, 'stdout', 'c'), at(3, 'stdout', 'd')];

  it('reads once without follow, with or without timestamps', async () => {
    const queries: LogQuery[] = [];
    expect(await collect(readLogs(source(log, 0, queries), { tailLines: 2 }))).toEqual(['stdout:a', 'stdout:b', 'stderr:e', 'stdout:c', 'stdout:d']);
    expect(queries).toEqual([expect.objectContaining({ tail: 2, follow: undefined, timestamps: undefined })]);
    expect((await collect(readLogs(source(log, 0, []), { timestamps: true })))[0]).toBe('stdout:a@1');
  });

  it.each([
    [0, 'nothing followed: one full read'],
    [2, 'stopped inside a second: skips what that second already gave'],
    [3, 'stopped after a stderr line'],
    [5, 'nothing lost'],
  ])('follow completes the log (%i lines followed: %s)', async (followed) => {
    const queries: LogQuery[] = [];
    expect(await collect(readLogs(source(log, followed, queries), { follow: true }))).toEqual(['stdout:a', 'stdout:b', 'stderr:e', 'stdout:c', 'stdout:d']);
    expect(queries).toHaveLength(2);
  });
});
