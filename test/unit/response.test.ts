import { expect } from 'chai';
import { AgileCRMAPIError } from '../../lib';
import { apiError, isSuccess, quoteServerText } from '../../lib/response';
import type { HttpResponse } from '../../lib/transport';

function response(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return { status, headers, body };
}

describe('response handling', () => {
  it('treats 2xx as success only', () => {
    expect([199, 200, 204, 299, 300, 401].map(isSuccess)).to.deep.equal([
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('quotes exception message, error_description, message or error, in that order', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ 'exception message': 'a', error_description: 'b' }, 'a'],
      [{ error_description: 'b', message: 'c' }, 'b'],
      [{ message: 'c', error: 'd' }, 'c'],
      [{ error: 'd' }, 'd'],
      [{ 'exception message': '   ', error: 'd' }, 'd'],
    ];
    for (const [body, expected] of cases) {
      const err = apiError(response(400, JSON.stringify(body)), 'profile request');
      expect(err.message).to.equal(`Agile CRM profile request failed with HTTP 400: ${expected}`);
    }
  });

  it('quotes no secret that starts or ends with a space, which quoting trims', () => {
    // Found by the echo fuzz: a client secret echoed at the start of a token error's `error`.
    const secret = ' !      "#$';
    expect(quoteServerText(`${secret} and more`, [secret])).to.equal('[redacted] and more');
    expect(quoteServerText(`more and ${secret} `, [' x y ', `${secret} `])).to.equal(
      'more and [redacted]',
    );
    // Still cut out after control characters, removed as spaces, join its pieces together.
    expect(quoteServerText('k3y\u0000s3cret', ['k3y s3cret'])).to.equal('[redacted]');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const seconds = apiError(response(429, '', { 'retry-after': ' 30 ' }), 'x');
    expect(seconds.retryAfter).to.equal(30);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const dated = apiError(response(429, '', { 'retry-after': inAMinute }), 'x');
    expect(dated.retryAfter).to.be.within(58, 60);
    const past = apiError(
      response(429, '', { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }),
      'x',
    );
    expect(past.retryAfter).to.equal(0);
    const junk = apiError(response(429, '', { 'retry-after': 'soon' }), 'x');
    expect(junk.retryAfter).to.equal(undefined);
  });

  it('keeps the parsed body as cause, with secrets the request sent cut out', () => {
    const err = apiError(
      response(
        401,
        JSON.stringify({ 'exception message': 'bad key k3y', nested: ['k3y'], k3y: 1 }),
      ),
      'profile request',
      ['k3y', undefined, ''],
    );
    expect(err).to.be.instanceOf(AgileCRMAPIError);
    expect(err.message).to.equal(
      'Agile CRM profile request failed with HTTP 401: bad key [redacted]',
    );
    expect(err.cause).to.deep.equal({
      'exception message': 'bad key [redacted]',
      nested: ['[redacted]'],
      '[redacted]': 1,
    });
  });
});
