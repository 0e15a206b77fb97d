// Response payloads that fit the channel: the server drops a device response over 256 KiB
// (shared/channel/decode.ts), and the size that counts is the encoded JSON, not the characters — a
// line of CJK text is three bytes a character, a control character six once escaped.

/** Encoded response messages stay below this (the channel's ceiling is 256 KiB; room for the envelope). */
export const MAX_ENCODED_TEXT = 200 * 1024;

/** The size of `text` as a JSON string value, in UTF-8 bytes. */
export function encodedSize(text: string): number {
  return Buffer.byteLength(JSON.stringify(text));
}

/** Whether `text` fits `max` encoded; no character takes more than six bytes (`\u001b`), so most need no encoding to tell. */
function fits(text: string, max: number): boolean {
  return 6 * text.length + 2 <= max || encodedSize(text) <= max;
}

/** `text` cut into pieces whose encoded size fits `max`, in order, none empty unless `text` is. */
export function fitting(text: string, max = MAX_ENCODED_TEXT): string[] {
  if (text.length <= 1 || fits(text, max)) return [text];
  let cut = Math.floor(text.length / 2);
  // Never split a surrogate pair.
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut++;
  return [...fitting(text.slice(0, cut), max), ...fitting(text.slice(cut), max)];
}

/** The end of `text` whose encoded size fits `max` (a capped exec output keeps its last part). */
export function tailFitting(text: string, max: number): string {
  let kept = text;
  while (kept.length > 0 && !fits(kept, max)) {
    let cut = Math.ceil(kept.length / 4);
    const code = kept.charCodeAt(cut);
    if (code >= 0xdc00 && code <= 0xdfff) cut++;
    kept = kept.slice(cut);
  }
  return kept;
}
