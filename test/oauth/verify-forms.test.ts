import { expect } from 'chai';
import type { Request } from 'express';
import {
  SessionPendingLoginStore,
  Strategy,
  type AgileCRMProfile,
  type StrategyOptions,
  type StrategyOptionsWithRequest,
} from '../../lib';
import { useNock } from '../support/nock';
import {
  ACCESS_TOKEN,
  CLIENT_ID,
  CLIENT_SECRET,
  REFRESH_TOKEN,
  authenticateDirectly,
  makeStrategy,
  mockProfile,
  mockToken,
  type Action,
} from './support/strategy';
import { nestPassportCallback } from '../support/nest-callback';

const options: StrategyOptions = {
  clientID: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  domain: 'acme',
};
const withRequest: StrategyOptionsWithRequest = { ...options, passReqToCallback: true };

/** Runs a callback with working token and profile endpoints; returns the action and the req used. */
async function run(strategy: Strategy): Promise<{ action: Action; req: Record<string, unknown> }> {
  mockToken();
  mockProfile();
  const session: Record<string, unknown> = {};
  const state = await new SessionPendingLoginStore().save({ session }, { domain: 'acme' });
  const req = { query: { code: 'c', state }, session };
  const { first } = authenticateDirectly(strategy, req);
  return { action: await first, req };
}

function expectProfile(profile: unknown): void {
  expect((profile as AgileCRMProfile).id).to.equal('6263975862861824');
}

describe('verify forms', () => {
  useNock();

  it('(accessToken, refreshToken, profile, done)', async () => {
    const seen: unknown[] = [];
    const strategy = new Strategy(options, (accessToken, refreshToken, profile, done) => {
      seen.push(accessToken, refreshToken, profile);
      done(null, { id: 'u1' }, { message: 'welcome' });
    });
    const { action } = await run(strategy);
    expect(action).to.deep.equal({ kind: 'success', args: [{ id: 'u1' }, { message: 'welcome' }] });
    expect(seen.slice(0, 2)).to.deep.equal([ACCESS_TOKEN, REFRESH_TOKEN]);
    expectProfile(seen[2]);
  });

  it('(accessToken, refreshToken, params, profile, done)', async () => {
    const seen: unknown[] = [];
    const strategy = new Strategy(options, (accessToken, refreshToken, params, profile, done) => {
      seen.push(accessToken, refreshToken, params, profile);
      done(null, { id: 'u2' });
    });
    const { action } = await run(strategy);
    expect(action).to.deep.equal({ kind: 'success', args: [{ id: 'u2' }, {}] });
    expect(seen.slice(0, 3)).to.deep.equal([
      ACCESS_TOKEN,
      REFRESH_TOKEN,
      { access_token: ACCESS_TOKEN, token_type: 'bearer', expires_in: 3600 },
    ]);
    expectProfile(seen[3]);
  });

  it('(req, accessToken, refreshToken, profile, done) with passReqToCallback', async () => {
    const seen: unknown[] = [];
    const strategy = new Strategy(withRequest, (req, accessToken, refreshToken, profile, done) => {
      seen.push(req, accessToken, refreshToken, profile);
      done(null, { id: 'u3' });
    });
    const { action, req } = await run(strategy);
    expect(action.args[0]).to.deep.equal({ id: 'u3' });
    expect((seen[0] as Request).query).to.equal(req['query']);
    expect(seen.slice(1, 3)).to.deep.equal([ACCESS_TOKEN, REFRESH_TOKEN]);
    expectProfile(seen[3]);
  });

  it('(req, accessToken, refreshToken, params, profile, done) with passReqToCallback', async () => {
    const seen: unknown[] = [];
    const strategy = new Strategy(
      withRequest,
      (req, accessToken, refreshToken, params, profile, done) => {
        seen.push(req, accessToken, refreshToken, params, profile);
        done(null, { id: 'u4' });
      },
    );
    const { action, req } = await run(strategy);
    expect(action.args[0]).to.deep.equal({ id: 'u4' });
    expect((seen[0] as Request).session).to.equal(req['session']);
    expect(seen.slice(1, 3)).to.deep.equal([ACCESS_TOKEN, REFRESH_TOKEN]);
    expect(seen[3]).to.include({ access_token: ACCESS_TOKEN });
    expectProfile(seen[4]);
  });

  it('async (accessToken, refreshToken, profile) => user', async () => {
    const seen: unknown[] = [];
    const strategy = new Strategy(options, async (accessToken, refreshToken, profile) => {
      seen.push(accessToken, refreshToken, profile);
      return { id: 'u5' };
    });
    const { action } = await run(strategy);
    expect(action).to.deep.equal({ kind: 'success', args: [{ id: 'u5' }, {}] });
    expect(seen.slice(0, 2)).to.deep.equal([ACCESS_TOKEN, REFRESH_TOKEN]);
    expectProfile(seen[2]);
  });

  it('async (req, accessToken, refreshToken, profile) => user with passReqToCallback', async () => {
    const seen: unknown[] = [];
    const strategy = new Strategy(withRequest, async (req, accessToken, refreshToken, profile) => {
      seen.push(req, accessToken, refreshToken, profile);
      return { id: 'u6' };
    });
    const { action, req } = await run(strategy);
    expect(action.args[0]).to.deep.equal({ id: 'u6' });
    expect((seen[0] as Request).query).to.equal(req['query']);
    expect(seen[1]).to.equal(ACCESS_TOKEN);
    expectProfile(seen[3]);
  });

  for (const [what, value] of [
    ['false', false],
    ['null', null],
    ['undefined', undefined],
  ] as const) {
    it(`an async verify resolving ${what} fails the login`, async () => {
      const { action } = await run(makeStrategy({}, async () => value));
      expect(action.kind).to.equal('fail');
    });
  }

  it('an async verify that rejects is an error', async () => {
    const boom = new Error('database down');
    const { action } = await run(
      makeStrategy({}, async () => {
        throw boom;
      }),
    );
    expect(action).to.deep.equal({ kind: 'error', args: [boom] });
  });

  it('done(null, false, info) fails the login with that info', async () => {
    const strategy = new Strategy(options, (_a, _r, _p, done) =>
      done(null, false, { message: 'account disabled' }),
    );
    const { action } = await run(strategy);
    expect(action).to.deep.equal({ kind: 'fail', args: [{ message: 'account disabled' }] });
  });

  it('done(err) is an error', async () => {
    const boom = new Error('no');
    const { action } = await run(new Strategy(options, (_a, _r, _p, done) => done(boom)));
    expect(action).to.deep.equal({ kind: 'error', args: [boom] });
  });

  it('a callback verify that throws is an error', async () => {
    const boom = new Error('thrown');
    const { action } = await run(
      new Strategy(options, (_a, _r, _p, _done) => {
        throw boom;
      }),
    );
    expect(action).to.deep.equal({ kind: 'error', args: [boom] });
  });

  it('an async verify that throws before its first await is an error', async () => {
    const boom = new Error('sync throw');
    const { action } = await run(
      new Strategy(options, (_a, _r, _p) => {
        throw boom;
      }),
    );
    expect(action).to.deep.equal({ kind: 'error', args: [boom] });
  });

  it('an async verify in the callback form that rejects before done is an error', async () => {
    const boom = new Error('lookup failed');
    const strategy = new Strategy(options, async (_a, _r, _p, _done) => {
      throw boom;
    });
    const { action } = await run(strategy);
    expect(action).to.deep.equal({ kind: 'error', args: [boom] });
  });

  it('an async verify in the callback form may call done', async () => {
    const strategy = new Strategy(options, async (_a, _r, profile, done) => {
      await Promise.resolve();
      done(null, { id: profile.id });
    });
    const { action } = await run(strategy);
    expect(action.args[0]).to.deep.equal({ id: '6263975862861824' });
  });

  it('async verify functions with fewer declared parameters resolve to the user', async () => {
    // `length` counts only parameters before the first default or rest parameter.
    const forms = [
      async () => ({ id: 'none' }),
      async (accessToken: string) => ({ id: accessToken }),
      async (...args: unknown[]) => ({ id: typeof args[2] }),
    ];
    const ids: unknown[] = [];
    for (const verify of forms) ids.push((await run(makeStrategy({}, verify))).action.args[0]);
    expect(ids).to.deep.equal([{ id: 'none' }, { id: ACCESS_TOKEN }, { id: 'object' }]);
  });

  describe("NestJS's PassportStrategy mixin: async (...params) that calls the last parameter", () => {
    it('gets (accessToken, refreshToken, profile, done) and logs the user in', async () => {
      const seen: unknown[] = [];
      const verify = nestPassportCallback((accessToken, refreshToken, profile) => {
        seen.push(accessToken, refreshToken, profile);
        return { id: (profile as AgileCRMProfile).id };
      });
      const { action } = await run(makeStrategy({}, verify));
      expect(action).to.deep.equal({ kind: 'success', args: [{ id: '6263975862861824' }, {}] });
      expect(seen.slice(0, 2)).to.deep.equal([ACCESS_TOKEN, REFRESH_TOKEN]);
      expectProfile(seen[2]);
    });

    it('with passReqToCallback gets req first', async () => {
      const verify = nestPassportCallback((req, accessToken) => ({
        id: String(accessToken),
        hasQuery: 'query' in (req as Request),
      }));
      const { action } = await run(new Strategy(withRequest, verify));
      expect(action.args[0]).to.deep.equal({ id: ACCESS_TOKEN, hasQuery: true });
    });

    it('validate returning false fails the login; throwing is an error', async () => {
      const refused = await run(
        makeStrategy(
          {},
          nestPassportCallback(() => false),
        ),
      );
      expect(refused.action.kind).to.equal('fail');
      const boom = new Error('validate threw');
      const failed = await run(
        makeStrategy(
          {},
          nestPassportCallback(() => {
            throw boom;
          }),
        ),
      );
      expect(failed.action).to.deep.equal({ kind: 'error', args: [boom] });
    });

    it('with callbackArity: true (length set to validate.length + 1) is the callback form', async () => {
      const verify = nestPassportCallback((_a, _r, profile) => ({
        id: (profile as AgileCRMProfile).id,
      }));
      Object.defineProperty(verify, 'length', { value: 4 });
      const { action } = await run(makeStrategy({}, verify));
      expect(action.args[0]).to.deep.equal({ id: '6263975862861824' });
    });
  });

  it('a plain function returning the user works as the promise form', async () => {
    const { action } = await run(
      makeStrategy({}, ((_a: string, _r: unknown, p: AgileCRMProfile) => ({
        id: p.id,
      })) as never),
    );
    expect(action.args[0]).to.deep.equal({ id: '6263975862861824' });
  });
});
