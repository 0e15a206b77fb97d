// Interactive exec over libpod: the exec session's start request is upgraded to a raw two-way
// stream (Docker's hijacked attach). Stdin is written to it and a half-close is the command's EOF;
// output comes back multiplexed (no TTY) or raw (TTY); the terminal is resized by its own call.

import type { Socket } from 'node:net';
import { FlotillaError } from '../../../shared/errors';
import type { ExecChunk, ExecStream, ExecStreamOptions, TerminalSize } from '../types';
import type { PodmanHttp } from './http';
import type { ExecInspect, IdResponse } from './libpod-types';
import { demux } from './streams';

const enc = encodeURIComponent;

async function* socketChunks(head: Buffer, socket: Socket): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for await (const chunk of socket) yield chunk as Buffer;
}

async function* rawOutput(chunks: AsyncIterable<Buffer>): AsyncGenerator<ExecChunk> {
  for await (const data of chunks) yield { stream: 'stdout', data };
}

async function* demuxedOutput(chunks: AsyncIterable<Buffer>): AsyncGenerator<ExecChunk> {
  for await (const frame of demux(chunks)) if (frame.stream !== 'stdin') yield { stream: frame.stream, data: frame.data };
}

/** The exec session's exit code; right after its stream ends Podman may still be recording it. */
async function exitCodeOf(http: PodmanHttp, execId: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const inspect = await http.json<ExecInspect>('GET', `/exec/${enc(execId)}/json`);
    if (!inspect.Running) return inspect.ExitCode;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new FlotillaError('Timeout', `podman exec ${execId}: still running after its output ended`);
}

export async function startExecStream(http: PodmanHttp, containerId: string, command: string[], options: ExecStreamOptions): Promise<ExecStream> {
  const body = { AttachStdout: true, AttachStderr: true, AttachStdin: options.stdin, Tty: options.tty, Cmd: command };
  const created = await http.json<IdResponse>('POST', `/containers/${enc(containerId)}/exec`, { body });
  const execId = created.Id;
  const size = options.tty && options.size ? { h: options.size.height, w: options.size.width } : {};
  const { socket, head } = await http.upgrade('POST', `/exec/${enc(execId)}/start`, { Detach: false, Tty: options.tty, ...size });
  socket.setNoDelay(true);
  let ended: () => void = () => undefined;
  const outputEnded = new Promise<void>((resolve) => (ended = resolve));
  const chunks = socketChunks(head, socket);
  const decoded = options.tty ? rawOutput(chunks) : demuxedOutput(chunks);
  async function* output(): AsyncGenerator<ExecChunk> {
    try {
      yield* decoded;
    } catch (err) {
      if (!socket.destroyed) throw err;
    } finally {
      ended();
    }
  }
  let stdinOpen = options.stdin;
  return {
    output: output(),
    write(data) {
      if (stdinOpen && !socket.destroyed) socket.write(data);
    },
    closeStdin() {
      if (!stdinOpen) return;
      stdinOpen = false;
      if (!socket.destroyed) socket.end();
    },
    async resize(size: TerminalSize) {
      await http.call('POST', `/exec/${enc(execId)}/resize`, { query: { h: size.height, w: size.width } });
    },
    async wait() {
      await outputEnded;
      return exitCodeOf(http, execId);
    },
    close() {
      socket.destroy();
      ended();
    },
  };
}
