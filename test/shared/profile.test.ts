import { expect } from 'chai';
import { parseJSONExact } from '../../lib/http/json';
import { idString, parseUser, toProfile } from '../../lib/shared/profile';
import { fixture } from '../support/fixtures';

function profileOf(text: string, domain = 'ghanshyam') {
  const user = parseUser(parseJSONExact(text));
  if (user === undefined) throw new Error('fixture has no user');
  return toProfile(user, text, domain);
}

describe('profile mapping', () => {
  describe("Agile CRM README's sample owner", () => {
    const raw = fixture('agilecrm-readme-owner.json');
    const profile = profileOf(raw);

    it('maps the documented fields', () => {
      expect(profile).to.deep.include({
        provider: 'agilecrm',
        id: '6263975862861824',
        displayName: 'Ghanshyam',
        emails: [{ value: 'ghanshyam.raut@agilecrm.com' }],
        photos: [{ value: 'https://d1gwclp1pmzk26.cloudfront.net/img/gravatar/25.png' }],
        domain: 'ghanshyam',
      });
    });

    it('keeps the body as _raw and the typed user as _json', () => {
      expect(profile._raw).to.equal(raw);
      expect(profile._json).to.deep.equal({ ...JSON.parse(raw), id: '6263975862861824' });
      expect(profile._json.calendar_url).to.equal(
        'https://ghanshyam.agilecrm.com/calendar/Ghanshyam',
      );
    });
  });

  it('keeps every digit of an id beyond 2^53', () => {
    const raw = fixture('agilecrm-readme-owner-64bit-id.json');
    // Plain JSON.parse rounds it.
    expect(String(JSON.parse(raw).id)).not.to.equal('6263975862861824123');
    const profile = profileOf(raw);
    expect(profile.id).to.equal('6263975862861824123');
    expect(profile._json.id).to.equal('6263975862861824123');
  });

  it('keeps exact digits of large numbers in nested fields too, and leaves strings alone', () => {
    const parsed = parseJSONExact(
      '{"id":1,"a":[9007199254740993,-9007199254740993,1.5e300],"s":"12345678901234567890","n":{"m":12345678901234567890}}',
    );
    expect(parsed).to.deep.equal({
      id: 1,
      a: ['9007199254740993', '-9007199254740993', 1.5e300],
      s: '12345678901234567890',
      n: { m: '12345678901234567890' },
    });
  });

  it('keeps digits inside strings with escaped quotes untouched', () => {
    expect(
      parseJSONExact('{"q":"a\\"12345678901234567890\\"","id":12345678901234567890}'),
    ).to.deep.equal({
      q: 'a"12345678901234567890"',
      id: '12345678901234567890',
    });
  });

  it('falls back to the email for displayName when there is no name', () => {
    const profile = profileOf('{"id":1,"email":"dana@example.com","name":"  "}');
    expect(profile.displayName).to.equal('dana@example.com');
  });

  it('uses an empty displayName when neither name nor email is set', () => {
    const profile = profileOf('{"id":1}');
    expect(profile.displayName).to.equal('');
    expect(profile).not.to.have.property('emails');
  });

  it('has photos only when pic is set', () => {
    expect(profileOf('{"id":1,"name":"A"}')).not.to.have.property('photos');
    expect(profileOf('{"id":1,"name":"A","pic":""}')).not.to.have.property('photos');
    expect(profileOf('{"id":1,"name":"A","pic":"https://x/p.png"}').photos).to.deep.equal([
      { value: 'https://x/p.png' },
    ]);
  });

  it('records the account the login went to, not the one in the body', () => {
    expect(profileOf(fixture('agilecrm-readme-owner.json'), 'acme').domain).to.equal('acme');
  });

  it('drops documented fields of the wrong type and keeps unknown ones', () => {
    const user = parseUser({ id: 7, name: 42, is_admin: 'yes', pic: null, extra: { a: 1 } });
    expect(user).to.deep.equal({ id: '7', extra: { a: 1 } });
  });

  it('keeps a "__proto__" field as plain data, never as a prototype', () => {
    const profile = profileOf('{"id":1,"name":"A","__proto__":{"is_admin":true,"polluted":1}}');
    expect(Object.getPrototypeOf(profile._json)).to.equal(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(profile._json, '__proto__')?.value).to.deep.equal({
      is_admin: true,
      polluted: 1,
    });
    expect(profile._json.is_admin).to.equal(undefined);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('refuses a body without a usable id', () => {
    for (const body of [null, [], 'x', {}, { id: 1.5 }, { id: 'abc' }, { id: 2 ** 60 }])
      expect(parseUser(body), JSON.stringify(body)).to.equal(undefined);
  });

  it('accepts ids as safe numbers or digit strings only', () => {
    expect(idString(42)).to.equal('42');
    expect(idString('6263975862861824123')).to.equal('6263975862861824123');
    expect(idString(2 ** 60)).to.equal(undefined);
    expect(idString('1e3')).to.equal(undefined);
  });
});
