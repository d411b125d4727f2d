import { expect } from 'chai';
import {
  authorizationSecrets,
  quoteServerText,
  redact,
  redactJSON,
} from '../../lib/http/safe-text';

describe('redact', () => {
  it('cuts out a secret as written, percent-encoded (either case) and form-encoded', () => {
    const secret = 'a b+c/d';
    const text = [
      'raw a b+c/d',
      'uri a%20b%2Bc%2Fd',
      'lower a%20b%2bc%2fd',
      'form a+b%2Bc%2Fd',
    ].join('; ');
    expect(redact(text, [secret])).to.equal(
      'raw [redacted]; uri [redacted]; lower [redacted]; form [redacted]',
    );
  });

  it('replaces a secret that contains another one whole', () => {
    expect(redact('x abcdef y', ['cd', 'abcdef'])).to.equal('x [redacted] y');
  });

  it('runs again when a replacement joins text into a secret', () => {
    // "abc" → "[redacted]" leaves "[redacted]xyz", which ends in the second secret "]xyz".
    expect(redact('abcxyz', ['abc', ']xyz'])).not.to.include(']xyz');
  });

  it('treats every secret literally, whatever regular-expression characters it holds', () => {
    expect(redact('1 .* 2 a.b 3', ['.*'])).to.equal('1 [redacted] 2 a.b 3');
    expect(redact('(?:x)|y', ['(?:x)|y'])).to.equal('[redacted]');
  });

  it('ignores missing and empty secrets', () => {
    expect(redact('text', [undefined, ''])).to.equal('text');
  });

  it('redacts keys and values of parsed JSON without changing the input', () => {
    const body = { 'k-secret': ['secret', { note: 'x secret y' }], n: 1 };
    expect(redactJSON(body, ['secret'])).to.deep.equal({
      'k-[redacted]': ['[redacted]', { note: 'x [redacted] y' }],
      n: 1,
    });
    expect(body['k-secret'][0]).to.equal('secret');
  });

  it('finds the API key and both base64 credentials of a Basic header', () => {
    const header = `Basic ${Buffer.from('dana@acme.example:k+y z').toString('base64')}`;
    const secrets = authorizationSecrets(header);
    expect(secrets).to.include('k+y z');
    expect(secrets).to.include(header.slice('Basic '.length));
    expect(secrets).to.include(Buffer.from('dana%40acme.example:k%2By%20z').toString('base64'));
  });
});

describe('quoteServerText', () => {
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
});
