/**
 * Property-based fuzzing of the paths `AgileCRMClient.request()` sends credentials to. Three
 * classes, each generated rather than listed:
 *
 * - traversal: a `.` or `..` segment written with every encoding servers decode (`%2e` in either
 *   case, double and triple `%25` encoding, IIS `%u002e`, overlong UTF-8 `%c0%ae`, fullwidth
 *   and one-dot-leader characters, raw or percent-encoded), followed by a separator in any
 *   encoding (`%2f`, `%5c`, `\`, `;`, fullwidth `／`) or by nothing: always refused with a
 *   TypeError, and no request leaves;
 * - anything: random strings of path-relevant pieces. Whatever is sent must stay under the
 *   account's `/dev/` for every server reading: decoded 0 to 4 times, `\` as `/`, `;params`
 *   stripped, NFKC folded, dot segments resolved;
 * - ordinary: names with dots, dashes, encoded spaces and `@`: always sent, exactly as written.
 */
import { posix } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import nock from 'nock';
import { AgileCRMClient } from '../../lib/client/client';

const RUNS = { traversal: 3000, anything: 3000, ordinary: 1000 };
const TIME_BUDGET_MS = 30_000;
const ORIGIN = 'https://gateway.example';
const BASE_PATH = '/agile/acme';

const dot = fc.constantFrom(
  '.',
  '%2e',
  '%2E',
  '%252e',
  '%252E',
  '%25252e',
  '%u002e',
  '%U002E',
  '%c0%ae',
  '%C0%AE',
  '%e0%80%ae',
  '\uff0e',
  '%ef%bc%8e',
  '%EF%BC%8E',
  '\ufe52',
  '\u2024',
);
const dotSegment = fc.oneof(
  dot,
  fc.tuple(dot, dot).map(([a, b]) => a + b),
  fc.constantFrom('\u2025', '%e2%80%a5'),
  fc.tuple(dot, dot, fc.constantFrom(' ', '%20', '%09', '.', '%2e')).map(([a, b, c]) => a + b + c),
);
const separator = fc.constantFrom(
  '/',
  '%2f',
  '%2F',
  '%252f',
  '%25252F',
  '\\',
  '%5c',
  '%5C',
  '%255c',
  ';/',
  ';x=1/',
  '%3b/',
  '%3B',
  '\uff0f',
  '%ef%bc%8f',
  '\uff3c',
  '%u002f',
  '%u005c',
  '',
);
const name = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,8}$/).filter((s) => !/^\.+$/.test(s));
const names = fc.array(name, { maxLength: 3 }).map((list) => list.map((n) => `${n}/`).join(''));

const traversal = fc
  .tuple(names, dotSegment, separator, fc.array(name, { maxLength: 2 }))
  // Without a separator the dot segment ends the path: `/dev/.a` would be an ordinary name.
  .map(([before, segment, sep, after]) =>
    sep === '' ? `/dev/${before}${segment}` : `/dev/${before}${segment}${sep}${after.join('/')}`,
  );

const piece = fc.constantFrom(
  'a',
  'api',
  '.',
  '..',
  '/',
  '%',
  '2',
  'e',
  'E',
  'f',
  'F',
  '5',
  'c',
  'C',
  'u',
  '0',
  ';',
  '\\',
  '%2e',
  '%2f',
  '%25',
  '%5c',
  '%3b',
  '%20',
  '%00',
  '%0a',
  '%c0%ae',
  '\uff0e',
  '\uff0f',
  ' ',
  '?',
  '#',
  '-',
);
const anything = fc.array(piece, { maxLength: 12 }).map((pieces) => `/dev/${pieces.join('')}`);

const ordinary = fc
  .array(
    fc.oneof(
      name,
      fc
        .tuple(name, fc.constantFrom('%20', '%40', '%2B', '.', '-', '_'), name)
        .map((p) => p.join('')),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((segments) => `/dev/api/${segments.join('/')}`);

/** One lenient round of decoding, as a permissive server does it (bytes as Latin-1). */
function decodeLeniently(path: string): string {
  return path
    .replace(/%u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Every reading of `path` a server on the way could make: where each one resolves to. */
function readings(path: string): string[] {
  const out: string[] = [];
  let current = path;
  for (let round = 0; round <= 4; round++) {
    for (const form of [current, current.normalize('NFKC')]) {
      const separators = form.replace(/\\/g, '/');
      for (const variant of [separators, separators.replace(/;[^/]*/g, '')]) {
        out.push(posix.normalize(variant.split('/').map(asTrimmed).join('/')));
      }
    }
    current = decodeLeniently(current);
  }
  return out;
}

/** A segment of dots and spaces as a server that trims them reads it: `.` or `..`. */
function asTrimmed(segment: string): string {
  if (!/^[.\s]*\.[.\s]*$/.test(segment)) return segment;
  return segment.split('.').length > 2 ? '..' : '.';
}

describe('fuzzed request() paths (property-based)', function () {
  this.timeout(3 * TIME_BUDGET_MS + 30_000);

  let client: AgileCRMClient;
  let sent: string[];
  const figures = {
    traversal: { runs: 0, refused: 0 },
    anything: { runs: 0, refused: 0, sent: 0 },
    ordinary: { runs: 0, sent: 0 },
  };

  before(() => {
    nock.disableNetConnect();
    client = new AgileCRMClient(
      { domain: 'acme', accessToken: 'fuzz-access-token' },
      { baseURL: `${ORIGIN}${BASE_PATH.replace('acme', '{domain}')}` },
    );
  });
  beforeEach(() => {
    sent = [];
    nock(ORIGIN)
      .persist()
      .get(() => true)
      .reply(function () {
        sent.push(this.req.path);
        return [200, '{}'];
      });
  });
  afterEach(() => nock.cleanAll());
  after(() => {
    nock.enableNetConnect();
    console.log(`      figures: ${JSON.stringify(figures)}`);
  });

  /** The outcome of one request(): refused with a TypeError, or the path that arrived. */
  async function attempt(path: string): Promise<{ refused: boolean; arrived?: string }> {
    const before = sent.length;
    try {
      await client.request('GET', path);
    } catch (err) {
      expect(err, `${JSON.stringify(path)}: ${String(err)}`).to.be.instanceOf(TypeError);
      expect(sent.length, `${JSON.stringify(path)} was refused after a request`).to.equal(before);
      return { refused: true };
    }
    expect(sent.length - before).to.equal(1);
    return { refused: false, arrived: sent[sent.length - 1]! };
  }

  it('refuses every encoded dot segment, with a TypeError and before any request', async () => {
    await fc.assert(
      fc.asyncProperty(traversal, async (path) => {
        figures.traversal.runs += 1;
        const { refused, arrived } = await attempt(path);
        expect(refused, `${JSON.stringify(path)} was sent as ${arrived}`).to.equal(true);
        figures.traversal.refused += 1;
      }),
      { numRuns: RUNS.traversal, plugins: [fc.interruptAfterTimeLimit(TIME_BUDGET_MS)] },
    );
    expect(figures.traversal.runs).to.be.greaterThan(300);
  });

  it('sends nothing that any server reading resolves outside /dev/', async () => {
    await fc.assert(
      fc.asyncProperty(anything, async (path) => {
        figures.anything.runs += 1;
        const { refused, arrived } = await attempt(path);
        if (refused) {
          figures.anything.refused += 1;
          return;
        }
        figures.anything.sent += 1;
        expect(arrived!.startsWith(`${BASE_PATH}/dev/`), arrived).to.equal(true);
        for (const reading of readings(arrived!.slice(BASE_PATH.length))) {
          expect(
            reading.startsWith('/dev/'),
            `${JSON.stringify(path)} read as ${reading}`,
          ).to.equal(true);
        }
      }),
      { numRuns: RUNS.anything, plugins: [fc.interruptAfterTimeLimit(TIME_BUDGET_MS)] },
    );
    expect(figures.anything.sent, 'some generated paths must be sent').to.be.greaterThan(0);
    expect(figures.anything.refused, 'some generated paths must be refused').to.be.greaterThan(0);
  });

  it('sends ordinary API paths exactly as written', async () => {
    await fc.assert(
      fc.asyncProperty(ordinary, async (path) => {
        figures.ordinary.runs += 1;
        const { refused, arrived } = await attempt(path);
        expect(refused, `${JSON.stringify(path)} was refused`).to.equal(false);
        expect(arrived).to.equal(`${BASE_PATH}${path}`);
        figures.ordinary.sent += 1;
      }),
      { numRuns: RUNS.ordinary, plugins: [fc.interruptAfterTimeLimit(TIME_BUDGET_MS)] },
    );
  });
});
