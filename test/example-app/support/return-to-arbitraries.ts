/**
 * fast-check arbitraries for `returnTo` values in two classes, shared by the unit property test
 * and the example-app fuzzer:
 *
 * - `offsiteReturnTo`: paths built from dot segments (plain and percent-encoded), empty segments,
 *   slashes and backslashes (plain and encoded) and a foreign host, which a URL parser may
 *   collapse into `//evil.example`;
 * - `loginOrLogoutReturnTo`: the login and logout routes written in any letter case, with any
 *   character percent-encoded (once or twice, hex in either case), with dot segments and doubled
 *   slashes: every one of them leads to a login or logout route.
 */
import fc from 'fast-check';

/** Segments a parser treats as `.` or `..` (the URL standard decodes `%2e` in dot segments). */
const DOT_SEGMENTS = ['.', '..', '%2e', '%2E', '%2e%2e', '.%2E', '%2E.', '%2e.', '..%2f'];

const offsiteSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...DOT_SEGMENTS) },
  { weight: 2, arbitrary: fc.constantFrom('', '', 'a', 'profile') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'evil.example',
      '@evil.example',
      'evil.example:443',
      '%2fevil.example',
      '%5cevil.example',
      '%09',
      '%00',
    ),
  },
);

/** Dot segments, slashes and a foreign host, joined into one path that starts with `/`. */
export const offsiteReturnTo: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(offsiteSegment, { minLength: 1, maxLength: 6 }),
    fc.constantFrom('', '//evil.example', '/\\evil.example', '//evil.example/profile'),
    fc.constantFrom('', '?x=1', '#top'),
  )
  .map(([segments, tail, suffix]) => `/${segments.join('/')}${tail}${suffix}`);

/** How one character of a login or logout path is written. */
const spelling = fc.constantFrom('as-is', 'as-is', 'swap-case', 'encode', 'encode-lower', 'twice');

function spell(char: string, how: string): string {
  const hex = char.charCodeAt(0).toString(16).padStart(2, '0');
  switch (how) {
    case 'swap-case':
      return char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase();
    case 'encode':
      return `%${hex.toUpperCase()}`;
    case 'encode-lower':
      return `%${hex}`;
    case 'twice':
      return `%25${hex.toUpperCase()}`;
    default:
      return char;
  }
}

/** A path a browser sends to a login or logout route (Express matches paths in any case). */
const LOGIN_AND_LOGOUT_PATHS = [
  '/auth/agilecrm',
  '/auth/agilecrm/callback',
  '/auth/apikey',
  '/logout',
  '/auth/',
  '/logout/',
];

/** The login and logout routes in any case and encoding, with dot segments and extra slashes. */
export const loginOrLogoutReturnTo: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...LOGIN_AND_LOGOUT_PATHS),
    fc.array(spelling, { minLength: 24, maxLength: 24 }),
    fc.constantFrom('', '/x/..', '/.', '/%2e', '/a/%2E%2e', '/'),
    fc.constantFrom('', '?account=x', '?account=evil#top'),
  )
  .map(([path, hows, prefix, query]) => {
    // Slashes stay slashes (an encoded slash is a different path to Express); letters change.
    const letters = [...path].map((c, i) => (c === '/' ? c : spell(c, hows[i] ?? 'as-is')));
    const first = letters.indexOf('/', 1);
    // A doubled slash inside the path, sometimes.
    if (hows[23] === 'twice' && first > 0) letters.splice(first, 0, '/');
    return `${prefix}${letters.join('')}${query}`;
  });
