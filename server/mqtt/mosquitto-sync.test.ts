import pino from 'pino';
import { FakeClock } from '../../shared/clock';
import { FakeMosquitto, fakeHash } from './fake/fake-mosquitto';
import type { PasswordEntry } from './mosquitto';
import { MosquittoSync, PROBE_USERNAME, type MosquittoSyncDeps } from './mosquitto-sync';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup(options: Partial<MosquittoSyncDeps> = {}) {
  const clock = new FakeClock(1_000_000);
  const mosquitto = new FakeMosquitto(clock);
  const accounts = new Map<string, string>([['_flotilla_server', fakeHash('server')]]);
  const logs: string[] = [];
  let secrets = 0;
  const sync = new MosquittoSync({
    clock,
    entries: () => [...accounts].map(([username, hash]): PasswordEntry => ({ username, hash })),
    write: (e) => mosquitto.write(e),
    reload: () => mosquitto.reload(),
    probe: (password) => mosquitto.login(PROBE_USERNAME, password),
    probeSecret: () => {
      const password = `probe-${++secrets}`;
      return { password, hash: fakeHash(password) };
    },
    log: pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) }),
    ...options,
  });
  /** Adds a device's credentials as the informer would see them, and reports the change. */
  const add = (node: string): void => {
    accounts.set(node, fakeHash(`pw-${node}`));
    sync.changed();
  };
  /** Runs the fake clock in 5 ms steps, letting promises settle after each. */
  const run = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 5) {
      clock.advance(5);
      await flush();
    }
  };
  const tracked = (p: Promise<void>): { done: boolean } => {
    const state = { done: false };
    void p.then(() => (state.done = true));
    return state;
  };
  /** The first rewrite, as at server start. */
  const start = async (): Promise<void> => {
    const started = sync.start();
    await run(mosquitto.reloadMs + mosquitto.loginMs + 50);
    expect(await started).toBe(true);
  };
  return { clock, mosquitto, sync, add, run, tracked, logs, accounts, start };
}

describe('MosquittoSync', () => {
  it('writes and reloads once for a burst of joins and answers each only once mosquitto accepts its credentials', async () => {
    const t = setup();
    await t.start();
    const before = { writes: t.mosquitto.writes, signals: t.mosquitto.signals };
    const joins = ['a', 'b', 'c'].map((n) => {
      t.add(n);
      return { node: n, state: t.tracked(t.sync.applied(n)) };
    });
    await t.run(190);
    expect(joins.every((j) => !j.state.done)).toBe(true); // still within the 200 ms debounce
    await t.run(100);
    expect(joins.every((j) => j.state.done)).toBe(true);
    for (const j of joins) expect(t.mosquitto.accepts(j.node, `pw-${j.node}`)).toBe(true);
    expect(t.mosquitto.writes - before.writes).toBe(1);
    expect(t.mosquitto.signals - before.signals).toBe(1);
    expect(t.sync.stats.reloads).toBe(2);
  });

  it('asks again when mosquitto lost the reload signal, and answers the join only after the reload happened', async () => {
    const t = setup();
    await t.start();
    t.mosquitto.loseSignals = 2;
    t.add('a');
    const join = t.tracked(t.sync.applied('a'));
    await t.run(400);
    expect(t.mosquitto.knows('a')).toBe(false);
    expect(join.done).toBe(false);
    await t.run(3000);
    expect(join.done).toBe(true);
    expect(t.mosquitto.accepts('a', 'pw-a')).toBe(true);
    expect(t.sync.stats.retries).toBeGreaterThanOrEqual(3);
    expect(t.mosquitto.signals).toBe(1 + 3); // start, two lost, the one that worked
  });

  it('holds changes made during a reload for one next rewrite, spaced by the reload just measured', async () => {
    const t = setup({ spacing: 2 });
    t.mosquitto.reloadMs = 300;
    t.mosquitto.loginMs = 10;
    await t.start();
    await t.run(2 * t.sync.stats.lastReloadMs); // past the spacing after the first reload
    const first = t.tracked((t.add('a'), t.sync.applied('a')));
    await t.run(250); // debounce over: the rewrite with "a" is being reloaded
    const writes = t.mosquitto.writes;
    const later = ['b', 'c', 'd'].map((n) => t.tracked((t.add(n), t.sync.applied(n))));
    for (let i = 0; i < 200 && !first.done; i++) await t.run(5);
    expect(first.done).toBe(true);
    const confirmedAt = t.clock.now();
    const reloadMs = t.sync.stats.lastReloadMs;
    expect(reloadMs).toBeGreaterThanOrEqual(300);
    expect(t.mosquitto.writes).toBe(writes); // nothing rewritten during the reload
    for (let i = 0; i < 1000 && t.mosquitto.writes === writes; i++) await t.run(5);
    expect(t.mosquitto.writes).toBe(writes + 1); // one rewrite for all three
    expect(t.clock.now() - confirmedAt).toBeGreaterThanOrEqual(2 * reloadMs);
    expect(t.clock.now() - confirmedAt).toBeLessThanOrEqual(2 * reloadMs + 10);
    await t.run(400);
    expect(later.every((j) => j.done)).toBe(true);
    expect(t.mosquitto.writes).toBe(writes + 1);
  });

  it('keeps a join waiting when the informer has not seen its credentials yet, until a rewrite includes them', async () => {
    const t = setup();
    await t.start();
    const join = t.tracked(t.sync.applied('late'));
    await t.run(500);
    expect(join.done).toBe(false);
    t.add('late');
    await t.run(500);
    expect(join.done).toBe(true);
    expect(t.mosquitto.accepts('late', 'pw-late')).toBe(true);
  });

  it('neither rewrites nor reloads when nothing mosquitto needs changed', async () => {
    const t = setup();
    await t.start();
    t.add('a');
    await t.run(500);
    const counts = { writes: t.mosquitto.writes, signals: t.mosquitto.signals };
    t.sync.changed(); // e.g. a join token's use count was written
    const again = t.tracked(t.sync.applied('a'));
    await t.run(500);
    expect(again.done).toBe(true);
    expect({ writes: t.mosquitto.writes, signals: t.mosquitto.signals }).toEqual(counts);
  });

  it('answers a join after applyTimeoutMs when mosquitto never confirms, and says so', async () => {
    const t = setup({ applyTimeoutMs: 5000 });
    await t.start();
    t.mosquitto.loseSignals = 1_000;
    t.add('a');
    const join = t.tracked(t.sync.applied('a'));
    await t.run(4900);
    expect(join.done).toBe(false);
    await t.run(200);
    expect(join.done).toBe(true);
    expect(t.logs.some((l) => l.includes('did not confirm new credentials in time'))).toBe(true);
    t.sync.close();
  });

  it('without a way to probe (no reload command), counts a rewrite as applied once written', async () => {
    const t = setup({ probe: undefined });
    await t.start();
    t.add('a');
    const join = t.tracked(t.sync.applied('a'));
    await t.run(300);
    expect(join.done).toBe(true);
    expect(t.mosquitto.file.some((e) => e.username === 'a')).toBe(true);
  });
});
