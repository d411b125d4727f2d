/**
 * A tiny HTML tagged template: every interpolated value is escaped unless it is already
 * {@link SafeHTML} built by this template, so request data can never inject markup.
 */

/** HTML that is known to be safe (built by {@link html}). */
export class SafeHTML {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for use in element content and quoted attribute values. */
export function escapeHTML(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

type Value = SafeHTML | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHTML) return value.value;
  if (Array.isArray(value)) return value.map((v: Value) => render(v)).join('');
  return escapeHTML(String(value));
}

/**
 * Builds HTML; `null`, `undefined` and `false` render as nothing, arrays are joined.
 *
 * @example
 * html`<p>Hello ${name}</p>`; // name is escaped
 */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHTML {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHTML(out);
}
