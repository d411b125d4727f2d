/**
 * JSON text with 64-bit integers written as bare numbers with their exact digits.
 *
 * Agile CRM sends ids above 2^53 as plain JSON numbers. `JSON.stringify` cannot write them from a
 * JavaScript number without rounding, so answers are built from this small value tree instead.
 */

/** An integer of any size, written as a bare JSON number. */
export class ExactInteger {
  constructor(readonly digits: string) {
    if (!/^-?\d+$/.test(digits)) throw new TypeError('ExactInteger needs decimal digits');
  }
}

/** A JSON value whose integers may be {@link ExactInteger}. `undefined` fields are left out. */
export type Value =
  | string
  | number
  | boolean
  | null
  | ExactInteger
  | Value[]
  | { [field: string]: Value | undefined };

/** Serializes `value` as compact JSON text. */
export function toJSONText(value: Value): string {
  if (value instanceof ExactInteger) return value.digits;
  if (Array.isArray(value)) return `[${value.map(toJSONText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value)
      .filter((entry): entry is [string, Value] => entry[1] !== undefined)
      .map(([name, field]) => `${JSON.stringify(name)}:${toJSONText(field)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value);
}
