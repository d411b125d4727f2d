import { expect } from 'chai';
import nock from 'nock';
import request from 'supertest';
import { ApiKeyStrategy } from '../../lib/api-key/strategy';
import { useNock } from '../support/nock';
import {
  API_KEY,
  CREDENTIALS as VALID,
  DEMO_USER_BODY,
  EMAIL,
  countingVerify,
  postForm,
  useTestApp,
} from './support/app';

describe('ApiKeyStrategy: malformed input fails with 400 and sends nothing to Agile CRM', () => {
  const counter = countingVerify();
  // An interceptor for every account that must never be consumed: its staying pending proves
  // that no request left the process.
  let trap: nock.Scope;

  useNock();
  const app = useTestApp(() => new ApiKeyStrategy(counter.verify));

  beforeEach(() => {
    trap = nock(/agilecrm\.com/)
      .get(/.*/)
      .reply(200, DEMO_USER_BODY);
  });

  const cases: [string, Record<string, string>, RegExp][] = [
    ['no fields at all', {}, /account name/],
    ['no domain', { email: EMAIL, apiKey: API_KEY }, /account name/],
    ['a domain with a dot', { ...VALID, domain: 'evil.com' }, /account name/],
    ['a domain with a path', { ...VALID, domain: 'evil.com/x' }, /account name/],
    ['the full host name', { ...VALID, domain: 'acme.agilecrm.com' }, /account name/],
    ['a leading hyphen', { ...VALID, domain: '-acme' }, /account name/],
    ['no email', { domain: 'acme', apiKey: API_KEY }, /email address/],
    ['an email without @', { ...VALID, email: 'dana.acme.example' }, /email address/],
    ['an email with a colon', { ...VALID, email: 'dana:x@acme.example' }, /email address/],
    ['no API key', { domain: 'acme', email: EMAIL }, /REST API key/],
    ['a blank API key', { ...VALID, apiKey: '   ' }, /REST API key/],
    ['an API key with a newline inside', { ...VALID, apiKey: 'abc\r\nX-Evil: 1' }, /REST API key/],
  ];

  for (const [what, fields, message] of cases) {
    it(`${what} → fail(400)`, async () => {
      const res = await postForm(app, fields);

      expect(res.status).to.equal(200);
      expect(res.body.failed.status).to.equal(400);
      expect(res.body.failed.info.message).to.match(message);
      expect(trap.isDone()).to.equal(false);
      expect(counter.calls).to.equal(0);
    });
  }

  it('repeated fields (arrays) are not accepted as strings', async () => {
    const res = await request(app.url)
      .post('/login')
      .type('form')
      .send('domain=acme&domain=evil&email=' + encodeURIComponent(EMAIL) + '&apiKey=k');

    expect(res.body.failed.status).to.equal(400);
    expect(trap.isDone()).to.equal(false);
  });

  it('never reads credentials from the query string', async () => {
    const query = new URLSearchParams(VALID).toString();
    const res = await request(app.url).post(`/login?${query}`).type('form').send('');

    expect(res.body.failed.status).to.equal(400);
    expect(trap.isDone()).to.equal(false);
  });

  it('answers 400 itself when no callback is given (plain middleware)', async () => {
    const res = await postForm(app, { domain: 'a.b' }, '/plain');

    expect(res.status).to.equal(400);
    expect(trap.isDone()).to.equal(false);
  });

  it('no failure message quotes the submitted key', async () => {
    const secret = 'leaky-key-987';
    const res = await postForm(app, { domain: 'a.b', email: EMAIL, apiKey: secret });

    expect(res.body.failed.status).to.equal(400);
    expect(res.text).not.to.include(secret);
  });
});

describe('ApiKeyStrategy with a fixed domain option', () => {
  useNock();
  const app = useTestApp(
    () =>
      new ApiKeyStrategy({ domain: 'Acme' }, (profile, _credentials, done) => {
        done(null, { id: profile.id, domain: profile.domain });
      }),
  );

  it('uses the fixed account when the form has no domain field', async () => {
    const agile = nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .reply(200, DEMO_USER_BODY);

    const res = await postForm(app, { email: EMAIL, apiKey: API_KEY });

    expect(res.body.user).to.deep.equal({ id: '6263975862861824123', domain: 'acme' });
    expect(agile.isDone()).to.equal(true);
  });

  it('refuses another account named in the form, with 400 and no request', async () => {
    const trap = nock(/agilecrm\.com/)
      .get(/.*/)
      .reply(200, DEMO_USER_BODY);

    const res = await postForm(app, { ...VALID, domain: 'other' });

    expect(res.body.failed).to.deep.equal({
      info: { message: 'This login is for the Agile CRM account "acme".' },
      status: 400,
    });
    expect(trap.isDone()).to.equal(false);
  });
});
