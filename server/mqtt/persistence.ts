// aedes' in-memory persistence with retained messages in a RetainedIndex (a topic trie) instead of
// a Map scanned on every SUBSCRIBE; everything else (sessions, QoS 1 queues, wills) is aedes'.

import { Readable } from 'node:stream';
import { RetainedIndex } from './retained-index';

interface RetainedPacket {
  topic: string;
  payload: Buffer;
}

type AsyncPersistenceClass = new (opts?: object) => {
  storeRetained(packet: RetainedPacket): Promise<void>;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
};

type CallBackPersistenceClass = new (factory: (opts: object) => object, opts?: object) => object;

/** The persistence to hand aedes (`createBroker({ persistence })`). */
export function indexedMemoryPersistence(): object {
  // aedes-persistence has no "exports" map: its implementation classes can be loaded directly.
  const AsyncPersistence = require('aedes-persistence/asyncPersistence.js') as AsyncPersistenceClass;
  const { CallBackPersistence } = require('aedes-persistence/callBackPersistence.js') as { CallBackPersistence: CallBackPersistenceClass };

  class IndexedRetained extends AsyncPersistence {
    private readonly retained = new RetainedIndex<RetainedPacket>();

    override async storeRetained(pkt: RetainedPacket): Promise<void> {
      if (pkt.payload.length === 0) this.retained.delete(pkt.topic);
      else this.retained.set(pkt.topic, { ...pkt });
    }

    override createRetainedStream(pattern: string): Readable {
      return Readable.from(this.retained.match(pattern));
    }

    override createRetainedStreamCombi(patterns: string[]): Readable {
      const index = this.retained;
      function* all(): Generator<RetainedPacket> {
        const seen = new Set<string>();
        for (const p of patterns) {
          for (const pkt of index.match(p)) {
            if (seen.has(pkt.topic)) continue;
            seen.add(pkt.topic);
            yield pkt;
          }
        }
      }
      return Readable.from(all());
    }
  }

  return new CallBackPersistence((opts) => new IndexedRetained(opts), {});
}
