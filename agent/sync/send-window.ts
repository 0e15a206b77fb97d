// Flow control of a streamed response (kubectl logs, interactive exec output): chunk `seq` may go
// up only when the server has credited chunk `seq - window` or later, so a reader that cannot keep
// up (a slow kubectl, a congested link) slows the reading of the log or the command's output
// instead of piling chunks up in the server's memory. A server that stops crediting for `stallMs`
// fails the stream — long enough for a reader paused in `less`; what it guards against is a server
// that forgot the request while the link stayed up (a server restart behind an external broker;
// when the link itself goes, the session's end cancels every request).

import { FlotillaError } from '../../shared/errors';

/** How long a stream may wait for credit before it is given up. */
export const DEFAULT_STALL_MS = 10 * 60_000;

export class SendWindow {
  /** The highest chunk the server has passed on; -1: none yet. */
  private credited = -1;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly size: number,
    private readonly stallMs = DEFAULT_STALL_MS,
  ) {}

  /** The server passed on every chunk up to `seq`. Late or duplicate credits change nothing. */
  credit(seq: number): void {
    if (seq <= this.credited) return;
    this.credited = seq;
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves once chunk `seq` may be sent; rejects when `signal` aborts or no credit came for `stallMs`. */
  async room(seq: number, signal?: AbortSignal): Promise<void> {
    while (seq - this.credited > this.size) {
      if (signal?.aborted) throw new FlotillaError('Gone', 'the stream was cancelled');
      await new Promise<void>((resolve, reject) => {
        const done = (err?: FlotillaError): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          signal?.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else resolve();
        };
        const wake = (): void => done();
        const onAbort = (): void => done(new FlotillaError('Gone', 'the stream was cancelled'));
        const timer = setTimeout(() => done(new FlotillaError('Timeout', `the server took no output for ${this.stallMs} ms (chunk ${seq} waits for credit)`)), this.stallMs);
        timer.unref?.();
        this.waiters.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }
}
