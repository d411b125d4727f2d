import { expect } from 'chai';
import { node } from './support/run';

/** What both module systems must see, checked inside the child process. */
const CHECKS = `
  const problems = [];
  const check = (ok, what) => { if (!ok) problems.push(what); };
  check(typeof m.Strategy === 'function', 'Strategy is a class');
  check(m.Strategy === m.AgileCRMStrategy, 'Strategy === AgileCRMStrategy');
  const s = new m.Strategy({ clientID: 'id', clientSecret: 'secret', domain: 'acme' }, async () => false);
  check(s.name === 'agilecrm', "strategy.name is 'agilecrm'");
  check(typeof s.refresh === 'function' && typeof s.revoke === 'function', 'refresh and revoke');
  const api = new m.AgileCRMAPIError('x', 401);
  check(api instanceof Error && api instanceof m.AgileCRMError, 'AgileCRMAPIError extends AgileCRMError and Error');
  check(api.name === 'AgileCRMAPIError' && api.code === m.AGILECRM_API_ERROR && api.status === 401, 'AgileCRMAPIError fields');
  check(m.AGILECRM_API_ERROR === 'AGILECRM_API_ERROR', 'AGILECRM_API_ERROR');
  check(m.AGILECRM_REQUEST_ERROR === 'AGILECRM_REQUEST_ERROR', 'AGILECRM_REQUEST_ERROR');
  check(m.AGILECRM_RESPONSE_ERROR === 'AGILECRM_RESPONSE_ERROR', 'AGILECRM_RESPONSE_ERROR');
  check(new m.AgileCRMRequestError('x', 'timeout').reason === 'timeout', 'AgileCRMRequestError');
  check(new m.AgileCRMResponseError('x', 200).status === 200, 'AgileCRMResponseError');
  check(m.TokenError === oauth2.TokenError, "TokenError is passport-oauth2's");
  check(m.AuthorizationError === oauth2.AuthorizationError, "AuthorizationError is passport-oauth2's");
  check(m.InternalOAuthError === oauth2.InternalOAuthError, "InternalOAuthError is passport-oauth2's");
  check(typeof m.SessionPendingLoginStore === 'function', 'SessionPendingLoginStore');
  check(typeof m.CookiePendingLoginStore === 'function', 'CookiePendingLoginStore');
  let shortSecret = false;
  try { new m.CookiePendingLoginStore({ secret: 'short' }); } catch (e) { shortSecret = e instanceof TypeError; }
  check(shortSecret, 'CookiePendingLoginStore refuses a short secret with a TypeError');
  check(m.normalizeDomain('Acme') === 'acme' && m.normalizeDomain('a.b') === undefined, 'normalizeDomain');
  let threw = false;
  try { new m.Strategy({ clientSecret: 'secret' }, async () => false); } catch (e) { threw = e instanceof TypeError; }
  check(threw, 'a missing clientID throws a TypeError');
  console.log(JSON.stringify(problems));
`;

function problems(stdout: string): string[] {
  return JSON.parse(stdout.trim().split('\n').pop()!) as string[];
}

describe('package exports (built dist, by package name)', function () {
  this.timeout(60_000);

  it('CommonJS require() gets the whole public API', async () => {
    const out = await node([
      '-e',
      `const m = require('passport-agilecrm'); const oauth2 = require('passport-oauth2'); ${CHECKS}`,
    ]);
    expect(problems(out)).to.deep.equal([]);
  });

  it('ESM import gets the same API as named exports', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      `import * as m from 'passport-agilecrm';
       import { Strategy, AgileCRMStrategy, AgileCRMAPIError } from 'passport-agilecrm';
       import oauth2 from 'passport-oauth2';
       if (Strategy !== m.Strategy || AgileCRMStrategy !== Strategy || !AgileCRMAPIError) throw new Error('named imports');
       ${CHECKS}`,
    ]);
    expect(problems(out)).to.deep.equal([]);
  });

  it('import and require share one copy, so instanceof works across them', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       import { AgileCRMAPIError, Strategy } from 'passport-agilecrm';
       const cjs = createRequire(process.cwd() + '/')('passport-agilecrm');
       console.log(JSON.stringify([cjs.Strategy === Strategy, new cjs.AgileCRMAPIError('x', 500) instanceof AgileCRMAPIError]));`,
    ]);
    expect(JSON.parse(out)).to.deep.equal([true, true]);
  });

  it('the cookie parser is loaded by the first cookie read, not by require()', async () => {
    const out = await node([
      '-e',
      `const loaded = () => Object.keys(require.cache).some((file) => /[\\\\/]node_modules[\\\\/]cookie[\\\\/]/.test(file));
       const m = require('passport-agilecrm');
       const atRequire = loaded();
       const store = new m.CookiePendingLoginStore({ secret: 'x'.repeat(32) });
       const headers = {};
       const res = { getHeader: (n) => headers[n], setHeader: (n, v) => { headers[n.toLowerCase()] = v; } };
       const req = { headers: { cookie: 'agilecrm_pending=x' }, secure: false, res };
       store.take(req, 'handle').then((login) => {
         console.log(JSON.stringify([atRequire, loaded(), login === undefined]));
       });`,
    ]);
    expect(JSON.parse(out)).to.deep.equal([false, true, true]);
  });

  it("the 'passport-agilecrm/testing' entry loads from both module systems", async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       import { createEmulator } from 'passport-agilecrm/testing';
       const cjs = createRequire(process.cwd() + '/')('passport-agilecrm/testing');
       console.log(JSON.stringify([typeof createEmulator, cjs.createEmulator === createEmulator]));`,
    ]);
    expect(JSON.parse(out)).to.deep.equal(['function', true]);
  });
});
