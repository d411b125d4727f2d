import { expect } from 'chai';
import fc from 'fast-check';
import { safeReturnTo } from '../../example-app/src/return-to';
import { loginOrLogoutReturnTo, offsiteReturnTo } from './support/return-to-arbitraries';

const APP = 'https://app.example';

/** What a browser does with `Location: path` on a page of this app, wherever it was. */
function staysOnThisApp(path: string): boolean {
  return [`${APP}/`, `${APP}/a/b/c`, `${APP}/profile?cursor=x`].every(
    (page) => new URL(path, page).origin === APP,
  );
}

describe('example app returnTo', () => {
  it('keeps same-origin paths with their query and fragment', () => {
    expect(safeReturnTo('/profile')).to.equal('/profile');
    expect(safeReturnTo('/profile?cursor=abc#top')).to.equal('/profile?cursor=abc#top');
    expect(safeReturnTo('/a/../profile')).to.equal('/profile');
    expect(safeReturnTo('/authors')).to.equal('/authors');
    expect(safeReturnTo('/logouts/x')).to.equal('/logouts/x');
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
    // Dot segments the URL parser removes, leaving `//evil.example`.
    '/.//evil.example',
    '/a/..//evil.example',
    '/%2e//evil.example',
    '/%2E%2e/.//evil.example',
    // The login and logout routes, which Express matches in any letter case.
    '/auth/agilecrm',
    '/logout',
    '/AUTH/agilecrm?account=x',
    '/Auth/ApiKey',
    '/LOGOUT',
    '/%61uth/agilecrm?account=x',
    '/%41UTH/agilecrm',
    '/%2561uth/agilecrm',
    '/x/../AUTH/agilecrm',
    '/%2e/auth/agilecrm',
    '/logout/',
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
          expect(staysOnThisApp(kept)).to.equal(true);
          expect(kept.startsWith('//')).to.equal(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps only paths on this origin when dot segments and encoded dots are collapsed', () => {
    fc.assert(
      fc.property(offsiteReturnTo, (candidate) => {
        const kept = safeReturnTo(candidate);
        if (kept === undefined) return;
        expect(kept).to.match(/^\/(?![/\\])/);
        expect(staysOnThisApp(kept), kept).to.equal(true);
        // What is returned passes the check again unchanged.
        expect(safeReturnTo(kept)).to.equal(kept);
      }),
      { numRuns: 5000, examples: [['/.//evil.example'], ['/a/..//evil.example']] },
    );
  });

  it('refuses the login and logout routes in every letter case and encoding', () => {
    fc.assert(
      fc.property(loginOrLogoutReturnTo, (candidate) => {
        expect(safeReturnTo(candidate), candidate).to.equal(undefined);
      }),
      { numRuns: 5000, examples: [['/AUTH/agilecrm?account=x'], ['/%61uth/agilecrm']] },
    );
  });
});
