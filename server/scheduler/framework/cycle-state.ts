// Per-pod scratch space for one scheduling cycle: PreFilter/PreScore compute what the pod needs once
// and Filter/Score read it for every node (kube-scheduler's CycleState), typed by key. Keys are
// numbered so that a read per node is an array index, not a hash lookup.

let nextId = 0;

/** A typed slot in the CycleState; plugins create one per thing they store, as a module constant. */
export class StateKey<T> {
  declare private readonly phantom: T;
  readonly id = nextId++;
  constructor(readonly name: string) {}
}

export class CycleState {
  private readonly values: unknown[] = [];

  write<T>(key: StateKey<T>, value: T): void {
    this.values[key.id] = value;
  }

  /** undefined when nothing was written under `key` this cycle (the writing plugin was skipped). */
  read<T>(key: StateKey<T>): T | undefined {
    return this.values[key.id] as T | undefined;
  }
}
