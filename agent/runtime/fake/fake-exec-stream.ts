// The fake runtime's interactive exec: a scripted session gets stdin chunks and EOF and writes
// output; the stream behaves like Podman's (a TTY folds stderr into stdout, output ends at exit).

import type { ExecChunk, ExecStream, ExecStreamOptions, TerminalSize } from '../types';
import { Channel } from './channel';

/** What a fake command does with its stdin. */
export interface FakeSession {
  /** A chunk of stdin arrived. */
  input?(data: Buffer, out: (chunk: ExecChunk) => void): void;
  /** The command's exit code once it ended by itself (checked after each input); undefined while it runs. */
  exitCode?(): number | undefined;
  /** The terminal was resized. */
  resize?(size: TerminalSize): void;
  /** Stdin was closed: write the last output and return the exit code (the command ends). */
  eof(out: (chunk: ExecChunk) => void): number;
}

/** `cat; echo done >&2; exit 3` as a fake session. */
export const echoSession = (): FakeSession => ({
  input: (data, out) => out({ stream: 'stdout', data }),
  eof: (out) => {
    out({ stream: 'stderr', data: Buffer.from('done\n') });
    return 3;
  },
});

export function fakeExecStream(session: FakeSession | undefined, command: string[], options: ExecStreamOptions): ExecStream {
  let exitCode = 0;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const output = new Channel<ExecChunk>();
  const out = (chunk: ExecChunk): void => output.push(options.tty ? { stream: 'stdout', data: chunk.data } : chunk);
  let running = true;
  const end = (code: number): void => {
    if (!running) return;
    running = false;
    exitCode = code;
    output.close();
    finished();
  };
  if (options.tty && options.size) session?.resize?.(options.size);
  if (!session) {
    out({ stream: 'stderr', data: Buffer.from(`fake: no interactive exec handler for ${JSON.stringify(command)}\n`) });
    end(127);
  } else if (!options.stdin) end(session.eof(out));
  let stdinOpen = running && options.stdin;
  return {
    output,
    write(data) {
      if (!stdinOpen || !session) return;
      session.input?.(data, out);
      const code = session.exitCode?.();
      if (code !== undefined) {
        stdinOpen = false;
        end(code);
      }
    },
    closeStdin() {
      if (!stdinOpen) return;
      stdinOpen = false;
      if (session) end(session.eof(out));
    },
    resize: async (size) => session?.resize?.(size),
    async wait() {
      await done;
      return exitCode;
    },
    close() {
      stdinOpen = false;
      end(137);
    },
  };
}
