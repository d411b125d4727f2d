/**
 * parseJSONExact against generated JSON: the same result as JSON.parse, except that integer
 * literals beyond Number.MAX_SAFE_INTEGER arrive as strings with their exact digits.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { parseJSONExact } from '../../lib/http/json';

/** A JSON value whose integers may be bigints, written out digit for digit. */
type Value = bigint | number | string | boolean | null | Value[] | { [key: string]: Value };

/** Strings heavy in what the scan must get right: quotes, backslashes and long digit runs. */
const tricky = fc.string({
  unit: fc.constantFrom('"', '\\', '1', '9', '0', '-', '.', 'e', 'a', 'é', '\u{1F600}'),
  maxLength: 40,
});

const value: fc.Arbitrary<Value> = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.bigInt({ min: 2n ** 53n - 3n, max: 2n ** 53n + 3n }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.oneof(fc.string(), tricky),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string(), tricky), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** JSON text with bigints as bare integer literals; `pad` adds whitespace between tokens. */
function write(v: Value, pad: string): string {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${pad}${v.map((item) => write(item, pad)).join(`,${pad}`)}]`;
  if (v !== null && typeof v === 'object') {
    const members = Object.entries(v).map(
      ([k, item]) => `${JSON.stringify(k)}:${pad}${write(item, pad)}`,
    );
    return `{${pad}${members.join(`,${pad}`)}}`;
  }
  return JSON.stringify(v);
}

/** What parseJSONExact should return for `v`. */
function expected(v: Value): unknown {
  if (typeof v === 'bigint' || typeof v === 'number') {
    const text = typeof v === 'bigint' ? v.toString() : JSON.stringify(v);
    const unsafe = /^-?\d+$/.test(text) && !Number.isSafeInteger(Number(text));
    return unsafe ? text : JSON.parse(text);
  }
  if (Array.isArray(v)) return v.map(expected);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: expected(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

describe('parseJSONExact', () => {
  it('parses like JSON.parse, with unsafe integers as exact decimal strings (property-based)', () => {
    fc.assert(
      fc.property(value, fc.constantFrom('', ' ', '\n\t'), (v, pad) => {
        expect(parseJSONExact(write(v, pad))).to.deep.equal(expected(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves numbers with long fractions or exponents to JSON.parse', () => {
    const text = '[0.12345678901234567890, 12345678901234567890e2, -1.5E+300]';
    expect(parseJSONExact(text)).to.deep.equal(JSON.parse(text));
  });

  it('throws as JSON.parse does on text that is not JSON', () => {
    for (const text of ['{"a":"12345678901234567890', '{"a":12345678901234567890', '', 'x']) {
      expect(() => parseJSONExact(text), text).to.throw(SyntaxError);
    }
  });
});
