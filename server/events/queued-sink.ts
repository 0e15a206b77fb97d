// An EventSink that writes in the background, a few events at a time, from a bounded backlog (the
// role of client-go's event broadcaster: a queue of events drained by one writer, dropping when
// full). A burst of Scheduled events then trails behind the bindings instead of competing with them
// for the store; under sustained overload events are dropped and counted, never the bindings.

import type { ObjectReference } from '../../shared/api/core';
import type { KubeObject } from '../../shared/api/types';
import { referenceOf, type EventSink } from './recorder';

type EventType = 'Normal' | 'Warning';

/** The awaitable write of an EventRecorder. */
export interface EventWriter {
  write(ref: ObjectReference, type: EventType, reason: string, message: string): Promise<void>;
}

export interface QueuedEventSinkOptions {
  /** Writes in flight at once. Default 1 (client-go writes events one at a time). */
  concurrency?: number;
  /** Events waiting beyond this are dropped. Default 10,000. */
  maxQueued?: number;
  /** Called with a failed write's error (the event is lost). */
  onError?: (err: unknown) => void;
}

export class QueuedEventSink implements EventSink {
  private readonly queue: Array<[ObjectReference, EventType, string, string]> = [];
  private head = 0;
  private active = 0;
  private droppedCount = 0;
  private drained: Array<() => void> = [];
  private readonly concurrency: number;
  private readonly maxQueued: number;

  constructor(
    private readonly writer: EventWriter,
    private readonly options: QueuedEventSinkOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 1;
    this.maxQueued = options.maxQueued ?? 10_000;
  }

  /** Events dropped because the backlog was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  get backlog(): number {
    return this.queue.length - this.head;
  }

  record(about: KubeObject | ObjectReference, type: EventType, reason: string, message: string): void {
    if (this.backlog >= this.maxQueued) {
      this.droppedCount++;
      return;
    }
    this.queue.push([referenceOf(about), type, reason, message]);
    this.pump();
  }

  /** Resolves once every queued event has been written (or failed). */
  whenDrained(): Promise<void> {
    if (this.backlog === 0 && this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private pump(): void {
    while (this.active < this.concurrency && this.head < this.queue.length) {
      const next = this.queue[this.head++];
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      if (!next) continue;
      this.active++;
      this.writer
        .write(...next)
        .catch((err: unknown) => this.options.onError?.(err))
        .finally(() => {
          this.active--;
          this.pump();
          if (this.active === 0 && this.backlog === 0) for (const d of this.drained.splice(0)) d();
        });
    }
  }
}
