import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeMetricsSampler, parseNetDev, parseProcStat } from './metrics';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-proc-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const stat = (user: number, idle: number) => `cpu  ${user} 0 0 ${idle} 0 0 0 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\ncpu1 1 0 0 1 0 0 0 0 0 0\n`;

describe('node metrics from /proc and /sys', () => {
  it('parses /proc/stat and /proc/net/dev (loopback excluded)', () => {
    expect(parseProcStat(stat(300, 700))).toEqual({ busy: 300, total: 1000, cpus: 2 });
    const net = 'Inter-|   Receive\n face |bytes\n    lo: 999 1 0 0 0 0 0 0 999 1 0 0 0 0 0 0\n  eth0: 100 1 0 0 0 0 0 0 40 1 0 0 0 0 0 0\n wlan0: 5 1 0 0 0 0 0 0 6 1 0 0 0 0 0 0\n';
    expect(parseNetDev(net)).toEqual({ rx: 105, tx: 46 });
  });

  it('primes on the first sample, then reports rates, memory, Pi temperature and throttling', async () => {
    let now = 1_000_000;
    const root = tree({
      'proc/stat': stat(100, 900),
      'proc/meminfo': 'MemTotal:        1000 kB\nMemFree:          100 kB\nMemAvailable:     400 kB\n',
      'proc/net/dev': 'a\nb\n  eth0: 10 0 0 0 0 0 0 0 20 0\n',
      'sys/class/thermal/thermal_zone0/temp': '48312\n',
      'sys/devices/platform/soc/soc:firmware/get_throttled': '0x50005\n',
    });
    try {
      let cpu = 1e9;
      const s = new NodeMetricsSampler({ root, fsPath: root, now: () => now, containers: async () => [{ namespace: 'default', pod: 'p', container: 'c', cpuNanos: cpu, memoryBytes: 5 }] });
      expect(await s.sample()).toBeUndefined();
      writeFileSync(join(root, 'proc/stat'), stat(600, 1400)); // 500 busy of 1000 jiffies on 2 CPUs = 1 core
      now += 10_000;
      cpu += 5e9; // 0.5 s of CPU per second
      const m = await s.sample();
      expect(m?.windowSeconds).toBe(10);
      expect(m?.node).toMatchObject({ cpuNanoCores: 1e9, memoryWorkingSetBytes: 600 * 1024, memoryAvailableBytes: 400 * 1024, networkRxBytes: 10, networkTxBytes: 20, temperatureCelsius: 48.312, throttledFlags: 0x50005 });
      expect(m?.pods).toEqual([{ namespace: 'default', name: 'p', containers: [{ name: 'c', cpuNanoCores: 5e8, memoryWorkingSetBytes: 5 }] }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
