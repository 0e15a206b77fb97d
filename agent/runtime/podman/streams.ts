// Decoders for libpod's streaming bodies: the 8-byte-header multiplexed stdout/stderr stream, lines, NDJSON.

export type StreamName = 'stdin' | 'stdout' | 'stderr';

export interface Frame {
  stream: StreamName;
  data: Buffer;
}

const STREAMS: Record<number, StreamName> = { 0: 'stdin', 1: 'stdout', 2: 'stderr' };

/**
 * Splits Docker's multiplexed stream: each frame is [stream, 0, 0, 0, size (uint32 BE)] + payload.
 * Frames may straddle chunk boundaries; a trailing partial frame is dropped at the end.
 */
export async function* demux(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Frame> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    pending = pending.length === 0 ? toBuffer(chunk) : Buffer.concat([pending, toBuffer(chunk)]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const stream = STREAMS[pending[0] ?? 1] ?? 'stdout';
      yield { stream, data: pending.subarray(8, 8 + size) };
      pending = pending.subarray(8 + size);
    }
  }
}

/**
 * Collects stdout and stderr, keeping only the last `maxBytes` of each (an exec's output is answered capped
 * anyway; a command that prints without end must not fill the agent's memory). `dropped`: bytes let go.
 */
export async function collectTails(frames: AsyncIterable<Frame>, maxBytes: number): Promise<{ stdout: Buffer; stderr: Buffer; dropped: number }> {
  const kept: Record<'stdout' | 'stderr', { chunks: Buffer[]; bytes: number }> = { stdout: { chunks: [], bytes: 0 }, stderr: { chunks: [], bytes: 0 } };
  let dropped = 0;
  for await (const frame of frames) {
    if (frame.stream === 'stdin') continue;
    const k = kept[frame.stream];
    k.chunks.push(frame.data);
    k.bytes += frame.data.length;
    // Compacted only past twice the limit, so each byte is copied a bounded number of times.
    if (k.bytes > 2 * maxBytes) {
      const all = Buffer.concat(k.chunks);
      const tail = Buffer.from(all.subarray(all.length - maxBytes));
      dropped += all.length - tail.length;
      k.chunks = [tail];
      k.bytes = tail.length;
    }
  }
  const tail = (k: { chunks: Buffer[] }): Buffer => {
    const all = Buffer.concat(k.chunks);
    if (all.length <= maxBytes) return all;
    dropped += all.length - maxBytes;
    return all.subarray(all.length - maxBytes);
  };
  return { stdout: tail(kept.stdout), stderr: tail(kept.stderr), dropped };
}

/** Longest line held back waiting for its newline; a longer one is given in pieces (the CRI cuts at 16 KiB). */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * Regroups frames into whole lines per stream (without the newline); a last unterminated line is kept. A line
 * longer than `maxLine` characters is given in pieces, so that output without newlines cannot fill memory.
 */
export async function* framesToLines(frames: AsyncIterable<Frame>, maxLine = MAX_LINE_CHARS): AsyncGenerator<{ stream: StreamName; line: string }> {
  const partial: Partial<Record<StreamName, string>> = {};
  for await (const frame of frames) {
    const text = (partial[frame.stream] ?? '') + frame.data.toString('utf8');
    const parts = text.split('\n');
    let rest = parts.pop() ?? '';
    for (const line of parts) yield { stream: frame.stream, line };
    for (; rest.length > maxLine; rest = rest.slice(maxLine)) yield { stream: frame.stream, line: rest.slice(0, maxLine) };
    partial[frame.stream] = rest;
  }
  for (const [stream, rest] of Object.entries(partial)) if (rest) yield { stream: stream as StreamName, line: rest };
}

/** Newline-delimited JSON values from a byte stream. */
export async function* ndjson<T>(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<T> {
  let partial = '';
  for await (const chunk of chunks) {
    const parts = (partial + toBuffer(chunk).toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) yield JSON.parse(line) as T;
  }
  if (partial.trim()) yield JSON.parse(partial) as T;
}

/** Splits "2024-01-02T03:04:05.123456789Z rest" into its time and the rest; undefined time if there is none. */
export function splitTimestamp(line: string): { time?: Date; rest: string } {
  const space = line.indexOf(' ');
  if (space <= 0) return { rest: line };
  const time = new Date(line.slice(0, space));
  return Number.isNaN(time.getTime()) ? { rest: line } : { time, rest: line.slice(space + 1) };
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}
