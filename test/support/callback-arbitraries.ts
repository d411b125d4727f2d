/**
 * fast-check arbitraries for login sequences: starting logins, callbacks with missing,
 * duplicated, array, huge, unicode, forged, replayed and expired parameters, and clock jumps.
 * Values that refer to a real state are symbolic and resolved while the sequence runs.
 */
import fc from 'fast-check';
import type { ParamForm } from './params';

/** A parameter value before the run resolves it. */
export type ValueSpec =
  | { t: 'text'; v: string }
  /** Written into the request without encoding: malformed percent escapes. */
  | { t: 'raw'; v: string }
  /** The i-th state issued to this browser's session, possibly altered. */
  | { t: 'own'; i: number; alter: 'none' | 'upper' | 'truncate' | 'suffix' }
  /** The i-th state issued to another browser's session. */
  | { t: 'foreign'; i: number }
  /** Script-like text tagged with a nonce; it must never appear unescaped in a page. */
  | { t: 'payload'; v: string };

/** One generated parameter. */
export interface ParamSpec {
  key: string;
  form: ParamForm;
  values: ValueSpec[];
  /** Where a POST callback carries it. */
  where: 'query' | 'body';
}

/** One step of a generated sequence. */
export type Step =
  | { kind: 'start'; account: ParamSpec | undefined }
  | { kind: 'foreign-start' }
  | { kind: 'callback'; method: 'GET' | 'POST'; params: ParamSpec[] }
  | { kind: 'advance'; minutes: number };

const payloadTemplates = [
  (n: string) => `<script>alert('xss-${n}')</script>`,
  (n: string) => `"><img src=x onerror=alert('xss-${n}')>`,
  (n: string) => `'><svg/onload=alert('xss-${n}')>`,
  (n: string) => `</p><h1>xss-${n}</h1>`,
  (n: string) => `<a href="javascript:alert('xss-${n}')">x</a>`,
];

const payload: fc.Arbitrary<ValueSpec> = fc
  .tuple(fc.nat(payloadTemplates.length - 1), fc.stringMatching(/^[a-z0-9]{8}$/))
  .map(([i, nonce]) => ({ t: 'payload', v: payloadTemplates[i]!(nonce) }));

/** Odd text: unicode, control characters, CRLF, huge values, lookalikes of object keys. */
const oddText: fc.Arbitrary<ValueSpec> = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 4000, maxLength: 5000 }),
    // Around the 4096-character cap on codes, and not shortened to fit the URL.
    fc.string({ unit: fc.constantFrom(...'aZ09-_.~'), minLength: 4090, maxLength: 4110 }),
    fc.string({ unit: 'binary', minLength: 300, maxLength: 1500 }),
    fc.constantFrom(
      '',
      ' ',
      '\r\nSet-Cookie: injected=1',
      '\u0000',
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'toString',
      '%',
      '😀'.repeat(50),
      'acme',
      'evil.example',
      'https://evil.example/',
    ),
  )
  .map((v) => ({ t: 'text', v }));

const rawText: fc.Arbitrary<ValueSpec> = fc
  .constantFrom('%ZZ', '%', '%%', '%C3%28', '%E2%82', '%FF%FE', '%00', '%uD800')
  .map((v) => ({ t: 'raw', v }));

const ownState: fc.Arbitrary<ValueSpec> = fc.record({
  t: fc.constant('own' as const),
  i: fc.nat(20),
  alter: fc.constantFrom('none', 'none', 'none', 'upper', 'truncate', 'suffix'),
});

const foreignState: fc.Arbitrary<ValueSpec> = fc.record({
  t: fc.constant('foreign' as const),
  i: fc.nat(5),
});

const forgedState: fc.Arbitrary<ValueSpec> = fc
  .stringMatching(/^[A-Za-z0-9_-]{32}$/)
  .map((v) => ({ t: 'text', v }));

const plausibleCode: fc.Arbitrary<ValueSpec> = fc
  .stringMatching(/^[A-Za-z0-9._~-]{1,64}$/)
  .map((v) => ({ t: 'text', v }));

/** Any hostile or odd value: unicode, huge, control characters, markup, malformed escapes. */
export const anyValue = fc.oneof(oddText, payload, rawText, plausibleCode);

const form: fc.Arbitrary<ParamForm> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('plain' as const) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('repeat', 'bracket', 'object') as fc.Arbitrary<ParamForm>,
  },
);

const where = fc.constantFrom('query', 'body') as fc.Arbitrary<'query' | 'body'>;

/** `key` with a value from `value`, written plain, repeated, as `key[]` or as `key[x]`. */
export function param(key: string, value: fc.Arbitrary<ValueSpec>): fc.Arbitrary<ParamSpec> {
  return fc
    .record({ form, first: value, second: value, where })
    .map(({ form: f, first, second, where: w }) => ({
      key,
      form: f,
      values: f === 'repeat' ? [first, second] : [first],
      where: w,
    }));
}

const codeParam = param('code', fc.oneof({ weight: 4, arbitrary: plausibleCode }, anyValue));
const stateParam = param(
  'state',
  fc.oneof(
    { weight: 5, arbitrary: ownState },
    { weight: 1, arbitrary: foreignState },
    { weight: 1, arbitrary: forgedState },
    { weight: 1, arbitrary: anyValue },
  ),
);
const errorParam = param(
  'error',
  fc.oneof(
    fc
      .constantFrom('access_denied', 'server_error', 'invalid_scope', 'temporarily_unavailable')
      .map((v): ValueSpec => ({ t: 'text', v })),
    anyValue,
  ),
);
const extraParam = fc.oneof(
  param('error_description', anyValue),
  param('error_uri', anyValue),
  param(
    'domain',
    fc.constantFrom('acme', 'evil', 'evil.example').map((v): ValueSpec => ({ t: 'text', v })),
  ),
  param('redirect_uri', fc.constant<ValueSpec>({ t: 'text', v: 'https://evil.example/cb' })),
  param('code_verifier', anyValue),
  param('__proto__', anyValue),
);

/** `arb` with probability `present / (present + absent)`, else `undefined`. */
function sometimes<T>(arb: fc.Arbitrary<T>, present: number, absent: number) {
  return fc.oneof(
    { weight: present, arbitrary: arb },
    { weight: absent, arbitrary: fc.constant(undefined) },
  );
}

/** A callback that should complete the login when its state is live: the common case. */
const wellFormedCallback: fc.Arbitrary<Step> = fc
  .tuple(plausibleCode, fc.nat(20), fc.constantFrom('GET', 'POST') as fc.Arbitrary<'GET' | 'POST'>)
  .map(([code, i, method]) => ({
    kind: 'callback',
    method,
    params: [
      { key: 'code', form: 'plain', values: [code], where: method === 'GET' ? 'query' : 'body' },
      {
        key: 'state',
        form: 'plain',
        values: [{ t: 'own', i, alter: 'none' }],
        where: method === 'GET' ? 'query' : 'body',
      },
    ],
  }));

/** Any callback: each parameter may be missing, duplicated, an array, huge or hostile. */
const fuzzedCallback: fc.Arbitrary<Step> = fc
  .record({
    method: fc.constantFrom('GET', 'POST') as fc.Arbitrary<'GET' | 'POST'>,
    code: fc.option(codeParam, { freq: 4, nil: undefined }),
    state: fc.option(stateParam, { freq: 5, nil: undefined }),
    error: sometimes(errorParam, 1, 2),
    extras: fc.array(extraParam, { maxLength: 3 }),
    order: fc.nat(),
  })
  .map(({ method, code, state, error, extras, order }) => {
    const params = [code, state, error, ...extras].filter((p): p is ParamSpec => p !== undefined);
    // Parameter order should not matter; rotate it to check.
    const shift = params.length === 0 ? 0 : order % params.length;
    return {
      kind: 'callback',
      method,
      params: [...params.slice(shift), ...params.slice(0, shift)],
    };
  });

const accountParam = fc.oneof(
  {
    weight: 5,
    arbitrary: param(
      'account',
      fc.constantFrom('demo', 'acme', 'Acme').map((v): ValueSpec => ({ t: 'text', v })),
    ),
  },
  { weight: 2, arbitrary: param('account', anyValue) },
);

/** A sequence of 1 to 10 steps. */
export const steps: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .option(accountParam, { freq: 8, nil: undefined })
        .map((account): Step => ({ kind: 'start', account })),
    },
    { weight: 1, arbitrary: fc.constant<Step>({ kind: 'foreign-start' }) },
    { weight: 3, arbitrary: wellFormedCallback },
    { weight: 4, arbitrary: fuzzedCallback },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(1, 4, 9, 10, 11)
        .map((minutes): Step => ({ kind: 'advance', minutes })),
    },
  ),
  { minLength: 1, maxLength: 10 },
);
