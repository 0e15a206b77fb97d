// The server's side of a streamed response's flow control: the request asks the device for a
// window of chunks in flight; as the reader takes chunks (a kubectl whose socket drained), the
// server credits them back, every half window, so the device sends on at the reader's pace.

/** Chunks (≤ 32 KiB each) a device may have in flight beyond the last credit, per stream. */
export const STREAM_WINDOW = 16;

export class Credits {
  private sent = -1;

  constructor(
    private readonly credit: (seq: number) => void,
    private readonly window = STREAM_WINDOW,
  ) {}

  /** The reader took every chunk up to `seq`. */
  taken(seq: number): void {
    if (seq - this.sent < Math.max(1, this.window / 2)) return;
    this.sent = seq;
    this.credit(seq);
  }

  /**
   * Whether the device may have sent message `seq` by now: a chunk within the window past the last
   * credit sent, or the `done` right after. Anything further is a device ignoring the window.
   */
  allows(seq: number): boolean {
    return seq <= this.sent + this.window + 1;
  }
}
