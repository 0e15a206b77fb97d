// The runtime conformance suite's interactive exec cases (stdin streamed in, output streamed out,
// TTY and resize), run by runtimeConformance for every Runtime implementation.
/// <reference types="jest" />

import { catProbe, sizeProbe, ttyProbe } from './conformance-workloads';
import type { ExecChunk, ExecStream, Runtime } from './types';

export interface ExecConformanceContext {
  runtime(): Runtime;
  /** Starts a container running `workloads.sleeper`; resolves with its id. */
  sleeper(): Promise<string>;
}

/** Reads the stream's output until `until` holds on what was read so far (or the output ends). */
async function readUntil(it: AsyncIterator<ExecChunk>, got: Record<ExecChunk['stream'], string>, until: () => boolean): Promise<void> {
  while (!until()) {
    const next = await it.next();
    if (next.done) return;
    got[next.value.stream] += next.value.data.toString('utf8');
  }
}

export function execStreamConformance(ctx: ExecConformanceContext): void {
  let stream: ExecStream | undefined;
  afterEach(() => stream?.close());

  it('streams stdin into an exec and its output back as it comes; EOF on stdin ends it with its exit code', async () => {
    const s = (stream = await ctx.runtime().execStream(await ctx.sleeper(), catProbe, { stdin: true, tty: false }));
    const it = s.output[Symbol.asyncIterator]();
    const got = { stdout: '', stderr: '' };
    s.write(Buffer.from('hello\n'));
    await readUntil(it, got, () => got.stdout === 'hello\n'); // echoed before stdin is closed
    expect(got).toEqual({ stdout: 'hello\n', stderr: '' });
    s.write(Buffer.from('world\n'));
    s.closeStdin();
    await readUntil(it, got, () => false);
    expect(got).toEqual({ stdout: 'hello\nworld\n', stderr: 'done\n' });
    expect(await s.wait()).toBe(3);
  });

  it('starts an exec on a terminal of the size asked for', async () => {
    const s = (stream = await ctx.runtime().execStream(await ctx.sleeper(), sizeProbe, { stdin: false, tty: true, size: { width: 77, height: 22 } }));
    const got = { stdout: '', stderr: '' };
    await readUntil(s.output[Symbol.asyncIterator](), got, () => false);
    expect(got).toEqual({ stdout: '22 77\r\n', stderr: '' });
    expect(await s.wait()).toBe(0);
  });

  it('runs an exec on a terminal: input echoed, the size resize set, stderr on the terminal too', async () => {
    const s = (stream = await ctx.runtime().execStream(await ctx.sleeper(), ttyProbe, { stdin: true, tty: true, size: { width: 80, height: 24 } }));
    await s.resize({ width: 91, height: 27 });
    const it = s.output[Symbol.asyncIterator]();
    const got = { stdout: '', stderr: '' };
    s.write(Buffer.from('hi\r'));
    await readUntil(it, got, () => false);
    expect(got.stderr).toBe('');
    expect(got.stdout.replace(/\r\n/g, '\n')).toBe('hi\n27 91\ngot hi\n');
    expect(await s.wait()).toBe(0);
  });
}
