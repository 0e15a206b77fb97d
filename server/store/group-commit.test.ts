import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('shares one flush among callers that arrive while a flush runs', async () => {
    const releases: (() => void)[] = [];
    const gc = new GroupCommit(() => new Promise<void>((resolve) => releases.push(resolve)));
    const first = gc.sync();
    const batch = Array.from({ length: 50 }, () => gc.sync());
    expect(gc.flushCount).toBe(1);
    releases.shift()?.();
    await first;
    expect(gc.flushCount).toBe(2); // the 50 waiters need a flush that started after they asked
    releases.shift()?.();
    await Promise.all(batch);
    expect(gc.flushCount).toBe(2);
    expect(releases).toHaveLength(0);
  });

  it('rejects every waiter of a failed flush and recovers for the next ones', async () => {
    let fail = true;
    const gc = new GroupCommit(async () => {
      if (fail) throw new Error('EIO');
    });
    await expect(gc.sync()).rejects.toThrow('EIO');
    fail = false;
    await expect(gc.sync()).resolves.toBeUndefined();
  });
});
