// Unit tests for the libpod stream decoders: frames across chunk boundaries, lines per stream, NDJSON.

import { collectTails, demux, framesToLines, ndjson, splitTimestamp, type Frame } from './streams';

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('demux', () => {
  const wire = Buffer.concat([frame(1, 'out1\nou'), frame(2, 'err1\n'), frame(1, 't2\n'), frame(1, '')]);

  it.each([1, 3, 7, 8, 1000])('splits frames delivered in %i-byte chunks', async (size) => {
    const frames = await collect(demux(chunked(wire, size)));
    expect(frames.map((f: Frame) => [f.stream, f.data.toString()])).toEqual([
      ['stdout', 'out1\nou'],
      ['stderr', 'err1\n'],
      ['stdout', 't2\n'],
      ['stdout', ''],
    ]);
  });

  it('regroups lines per stream, keeping a last unterminated line', async () => {
    const lines = await collect(framesToLines(demux(chunked(Buffer.concat([wire, frame(2, 'tail')]), 5))));
    expect(lines).toEqual([
      { stream: 'stdout', line: 'out1' },
      { stream: 'stderr', line: 'err1' },
      { stream: 'stdout', line: 'out2' },
      { stream: 'stderr', line: 'tail' },
    ]);
  });

  it('cuts a line that never ends into pieces of maxLine characters instead of holding it all', async () => {
    async function* frames(): AsyncGenerator<Frame> {
      for (let i = 0; i < 100; i++) yield { stream: 'stdout', data: Buffer.from('x'.repeat(1000)) };
      yield { stream: 'stdout', data: Buffer.from('y\n') };
    }
    const lines = await collect(framesToLines(frames(), 30_000));
    expect(lines.map((l) => l.line.length)).toEqual([30_000, 30_000, 30_000, 10_001]);
    expect(lines.map((l) => l.line).join('')).toBe(`${'x'.repeat(100_000)}y`);
  });
});

describe('ndjson', () => {
  it('parses values split across chunks and skips blank lines', async () => {
    const values = await collect(ndjson<{ a: number }>(chunked(Buffer.from('{"a":1}\n\n{"a":2}\n{"a":3}'), 4)));
    expect(values).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });
});

describe('splitTimestamp', () => {
  it.each([
    ['2026-11-25T07:25:40.123456789Z hello world', '2026-11-25T07:25:40.123Z', 'hello world'],
    ['2026-11-25T07:25:40Z x', '2026-11-25T07:25:40.000Z', 'x'],
    ['no timestamp here', undefined, 'no timestamp here'],
  ])('%s', (line, iso, rest) => {
    const got = splitTimestamp(line);
    expect(got.time?.toISOString()).toBe(iso);
    expect(got.rest).toBe(rest);
  });
});

describe('collectTails', () => {
  it('keeps only the last maxBytes of each stream, so a command that prints without end cannot fill memory', async () => {
    async function* frames(): AsyncGenerator<Frame> {
      for (let i = 0; i < 1000; i++) yield { stream: 'stdout', data: Buffer.from(`line ${String(i).padStart(4, '0')}\n`) };
      yield { stream: 'stderr', data: Buffer.from('oops\n') };
    }
    const { stdout, stderr, dropped } = await collectTails(frames(), 100);
    expect(stdout.length).toBeLessThanOrEqual(100);
    expect(stdout.toString().endsWith('line 0998\nline 0999\n')).toBe(true);
    expect(stderr.toString()).toBe('oops\n');
    expect(dropped).toBe(10_000 - 100);
  });
});
