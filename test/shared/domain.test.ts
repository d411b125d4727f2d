import { expect } from 'chai';
import { normalizeDomain, requireDomain } from '../../lib/shared/domain';

describe('account names (domain)', () => {
  it('accepts one DNS label and lowercases it', () => {
    expect(normalizeDomain('Acme')).to.equal('acme');
    expect(normalizeDomain('a-b-1')).to.equal('a-b-1');
    expect(normalizeDomain('a'.repeat(63))).to.equal('a'.repeat(63));
  });

  for (const bad of [
    'evil.com/x',
    'a.b',
    'acme.agilecrm.com',
    '-acme',
    'acme-',
    '',
    'a'.repeat(64),
    'ac me',
    'acmé',
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      expect(normalizeDomain(bad)).to.equal(undefined);
      expect(() => requireDomain(bad, 'domain option')).to.throw(
        TypeError,
        /domain option must be an Agile CRM account name/,
      );
    });
  }

  it('rejects non-strings', () => {
    for (const bad of [undefined, null, 42, ['acme'], { acme: 1 }])
      expect(normalizeDomain(bad)).to.equal(undefined);
  });
});
