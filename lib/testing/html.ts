/**
 * Escaping for text placed in HTML, SVG and XML.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes `text` for element content and quoted attribute values. */
export function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/**
 * Escapes `text` for XML 1.0, replacing characters XML cannot carry at all (most control
 * characters, lone surrogates) with U+FFFD.
 */
export function escapeXML(text: string): string {
  const legal = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return escapeHTML(legal);
}
