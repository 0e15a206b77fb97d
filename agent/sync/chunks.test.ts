import { encodedSize, fitting, tailFitting } from './chunks';

describe('fitting', () => {
  it.each<[string, string, number]>([
    ['ASCII', 'a'.repeat(1000), 1],
    ['CJK, three bytes a character', '日'.repeat(100_000), 2],
    ['control characters, six bytes escaped', '\u001b'.repeat(100_000), 3],
    ['emoji pairs', '😀'.repeat(60_000), 2],
  ])('cuts %s into pieces under the ceiling, losing nothing', (_what, text, atLeast) => {
    const pieces = fitting(text);
    expect(pieces.length).toBeGreaterThanOrEqual(atLeast);
    expect(pieces.join('')).toBe(text);
    for (const p of pieces) {
      expect(encodedSize(p)).toBeLessThanOrEqual(200 * 1024);
      expect(p.length).toBeGreaterThan(0);
      expect(/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(p)).toBe(false); // no half emoji
    }
  });
});

describe('tailFitting', () => {
  it('keeps the end of the text, within the ceiling', () => {
    const text = `${'日'.repeat(50_000)}THE END`;
    const kept = tailFitting(text, 64 * 1024);
    expect(encodedSize(kept)).toBeLessThanOrEqual(64 * 1024);
    expect(kept.endsWith('THE END')).toBe(true);
    expect(text.endsWith(kept)).toBe(true);
    expect(tailFitting('short', 64 * 1024)).toBe('short');
  });
});
