/**
 * Text from outside (a server's error description, a callback's query) made fit to quote in an
 * error message or a failure shown to a user: no control characters (CR and LF would forge log
 * lines), no bidirectional overrides (which reorder what a reader sees), and a bounded length.
 */

// C0 and C1 controls, DEL, and the Unicode bidirectional marks, embeddings and isolates.
const UNPRINTABLE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu;

/** `text` with each run of unprintable characters replaced by a space, and trimmed. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, ' ').trim();
}

/** `text` cut to `maxLength` characters (with `…`) without splitting a surrogate pair. */
export function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return `${Array.from(text).slice(0, maxLength).join('')}…`;
}

/** {@link printable} and {@link truncate} together. */
export function displayText(text: string, maxLength: number): string {
  return truncate(printable(text), maxLength);
}
