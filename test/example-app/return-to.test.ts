import { expect } from 'chai';
import fc from 'fast-check';
import { safeReturnTo } from '../../example-app/src/return-to';

describe('example app returnTo', () => {
  it('keeps same-origin paths with their query and fragment', () => {
    expect(safeReturnTo('/profile')).to.equal('/profile');
    expect(safeReturnTo('/profile?cursor=abc#top')).to.equal('/profile?cursor=abc#top');
  });

  for (const target of [
    '//evil.example',
    '//evil.example/profile',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'https://evil.example/',
    'http:evil.example',
    'javascript:alert(1)',
    'profile',
    '',
    '/auth/agilecrm',
    '/logout',
  ]) {
    it(`refuses ${JSON.stringify(target)}`, () => {
      expect(safeReturnTo(target)).to.equal(undefined);
    });
  }

  it('refuses non-strings and overlong values', () => {
    expect(safeReturnTo(['/profile'])).to.equal(undefined);
    expect(safeReturnTo(`/${'a'.repeat(2001)}`)).to.equal(undefined);
  });

  it('never returns anything a browser would resolve to another origin', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (tail) => {
        for (const candidate of [tail, `/${tail}`, `//${tail}`, `/\\${tail}`]) {
          const kept = safeReturnTo(candidate);
          if (kept === undefined) continue;
          expect(new URL(kept, 'https://app.example').origin).to.equal('https://app.example');
          expect(kept.startsWith('//')).to.equal(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
