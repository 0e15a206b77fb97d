// Durations as people write them on command lines: "90s", "15m", "24h", "7d", "1h30m", "500ms".

/** Parses a duration into ms; throws an Error naming the bad text. */
export function parseDurationMs(text: string): number {
  const re = /(\d+)(ms|s|m|h|d)/gy;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (unit[m[2] ?? ''] ?? 0);
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || consumed === 0 || total <= 0) throw new Error(`invalid duration "${text}": use e.g. 90s, 15m, 24h, 7d`);
  return total;
}
