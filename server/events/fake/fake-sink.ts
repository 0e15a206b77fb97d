// An in-memory EventSink for tests of components that record events.

import type { ObjectReference } from '../../../shared/api/core';
import type { KubeObject } from '../../../shared/api/types';
import { referenceOf, type EventSink } from '../recorder';

/** Collects events in memory: for tests of components that take an EventSink. */
export class FakeEventSink implements EventSink {
  readonly events: { ref: ObjectReference; type: 'Normal' | 'Warning'; reason: string; message: string }[] = [];

  record(about: KubeObject | ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ ref: referenceOf(about), type, reason, message });
  }
}
