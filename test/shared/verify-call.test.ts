import { expect } from 'chai';
import { callVerify, type VerifyCallback } from '../../lib/shared/verify-call';

type Outcome = [err: unknown, user: unknown, info: unknown];

const USER = { id: 'u1' };
const ARGS = ['profile', 'credentials'] as const;

/** Lets timers set with `later()` run, and the ticks after them. */
function settleDown(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

/** Calls `verify` through callVerify and returns every outcome it reported, once all is quiet. */
async function outcomes(verify: unknown, args: readonly unknown[] = ARGS): Promise<Outcome[]> {
  const seen: Outcome[] = [];
  callVerify(verify, args, (err, user, info) => seen.push([err, user, info]));
  await settleDown();
  return seen;
}

/** Runs `fn` later, after the current promise jobs (a database answering). */
function later(fn: () => void, ms = 5): void {
  setTimeout(fn, ms);
}

/**
 * Runs `body` with Node's unhandled-rejection handlers (mocha's among them) replaced by one that
 * records the reasons, and returns them.
 */
async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
  const reasons: unknown[] = [];
  const previous = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  const record = (reason: unknown): void => {
    reasons.push(reason);
  };
  process.on('unhandledRejection', record);
  try {
    await body();
    await settleDown();
  } finally {
    process.off('unhandledRejection', record);
    for (const listener of previous) process.on('unhandledRejection', listener);
  }
  return reasons;
}

describe('callVerify', () => {
  describe('a function that declares done (the callback form)', () => {
    it('is called with the arguments and done, and reports what it passes to done', async () => {
      let seen: unknown[] = [];
      const result = await outcomes(
        (profile: unknown, credentials: unknown, done: VerifyCallback) => {
          seen = [profile, credentials, typeof done];
          done(null, USER, { message: 'welcome' });
        },
      );
      expect(seen).to.deep.equal(['profile', 'credentials', 'function']);
      expect(result).to.deep.equal([[null, USER, { message: 'welcome' }]]);
    });

    it('done(null, false, info) and done(err) are reported as given', async () => {
      const boom = new Error('no such user');
      expect(
        await outcomes((_p: unknown, _c: unknown, done: VerifyCallback) =>
          done(null, false, { message: 'disabled' }),
        ),
      ).to.deep.equal([[null, false, { message: 'disabled' }]]);
      expect(
        await outcomes((_p: unknown, _c: unknown, done: VerifyCallback) => done(boom)),
      ).to.deep.equal([[boom, undefined, undefined]]);
    });

    it('reports on a later tick, never inside the verify call', () => {
      let reported = false;
      callVerify(
        (_p: unknown, _c: unknown, done: VerifyCallback) => done(null, USER),
        ARGS,
        () => {
          reported = true;
        },
      );
      expect(reported).to.equal(false);
    });

    it('a second done is ignored', async () => {
      const result = await outcomes((_p: unknown, _c: unknown, done: VerifyCallback) => {
        done(null, USER);
        done(new Error('second'));
        later(() => done(null, { id: 'third' }));
      });
      expect(result).to.deep.equal([[null, USER, undefined]]);
    });

    it('a synchronous throw before done is an error', async () => {
      const boom = new Error('bug in verify');
      const result = await outcomes((_p: unknown, _c: unknown, _done: VerifyCallback) => {
        throw boom;
      });
      expect(result).to.deep.equal([[boom, undefined, undefined]]);
    });

    it('an async function that rejects before done is an error', async () => {
      const boom = new Error('lookup failed');
      const result = await outcomes(async (_p: unknown, _c: unknown, _done: VerifyCallback) => {
        await Promise.resolve();
        throw boom;
      });
      expect(result).to.deep.equal([[boom, undefined, undefined]]);
    });

    it('waits for done after its promise resolves: the resolution is not the outcome', async () => {
      const result = await outcomes(async (_p: unknown, _c: unknown, done: VerifyCallback) => {
        later(() => done(null, USER));
        return { id: 'not this one' };
      });
      expect(result).to.deep.equal([[null, USER, undefined]]);
    });

    it('a rejection after done leaves the login as done ended it and the error unhandled', async () => {
      const boom = new Error('audit log failed');
      let result: Outcome[] = [];
      const unhandled = await unhandledDuring(async () => {
        result = await outcomes(async (_p: unknown, _c: unknown, done: VerifyCallback) => {
          done(null, USER);
          await Promise.resolve();
          throw boom;
        });
      });
      expect(result).to.deep.equal([[null, USER, undefined]]);
      expect(unhandled).to.deep.equal([boom]);
    });

    it('a synchronous throw after done leaves the login as done ended it', async () => {
      const boom = new Error('after done');
      let result: Outcome[] = [];
      const unhandled = await unhandledDuring(async () => {
        result = await outcomes((_p: unknown, _c: unknown, done: VerifyCallback) => {
          done(null, USER);
          throw boom;
        });
      });
      expect(result).to.deep.equal([[null, USER, undefined]]);
      expect(unhandled).to.deep.equal([boom]);
    });
  });

  describe('a function that declares fewer parameters than the callback form', () => {
    it('async (profile, credentials) => user: the user', async () => {
      expect(await outcomes(async (p: unknown) => ({ id: p }))).to.deep.equal([
        [null, { id: 'profile' }, undefined],
      ]);
    });

    for (const [what, value] of [
      ['false', false],
      ['null', null],
      ['undefined', undefined],
    ] as const) {
      it(`resolving ${what} fails the login`, async () => {
        expect(await outcomes(async () => value)).to.deep.equal([[null, false, undefined]]);
      });
    }

    it('a rejection is an error', async () => {
      const boom = new Error('database down');
      const result = await outcomes(async () => {
        throw boom;
      });
      expect(result).to.deep.equal([[boom, undefined, undefined]]);
    });

    it('a synchronous throw is an error', async () => {
      const boom = new Error('sync throw');
      const result = await outcomes(() => {
        throw boom;
      });
      expect(result).to.deep.equal([[boom, undefined, undefined]]);
    });

    it('a plain function returning the user: the user', async () => {
      expect(await outcomes((p: unknown) => ({ id: p }))).to.deep.equal([
        [null, { id: 'profile' }, undefined],
      ]);
    });

    it("gets done as its last argument, as passport-oauth2 passes it (NestJS's rest parameters)", async () => {
      let received: unknown[] = [];
      const result = await outcomes(async (...params: unknown[]) => {
        received = params;
        const done = params[params.length - 1] as VerifyCallback;
        done(null, USER);
      });
      expect(received.slice(0, 2)).to.deep.equal(['profile', 'credentials']);
      expect(received).to.have.length(3);
      expect(result).to.deep.equal([[null, USER, undefined]]);
    });

    it('a callback function with a default parameter calls done later', async () => {
      const result = await outcomes(
        (_p: unknown, _c: unknown = 'unused', ...rest: VerifyCallback[]) => {
          later(() => rest[0]!(null, USER, { message: 'later' }));
        },
      );
      expect(result).to.deep.equal([[null, USER, { message: 'later' }]]);
    });

    it('a wrapper around a callback-form function reports what the inner function passes to done', async () => {
      const inner = (_p: unknown, _c: unknown, done: VerifyCallback): void =>
        later(() => done(null, false, { message: 'refused' }));
      const wrapped = (...args: unknown[]): unknown =>
        (inner as (...a: unknown[]) => unknown)(...args);
      expect(await outcomes(wrapped)).to.deep.equal([[null, false, { message: 'refused' }]]);
    });

    it('done, then its promise resolves (NestJS): done ends the login, once', async () => {
      const result = await outcomes(async (...params: unknown[]) => {
        (params.at(-1) as VerifyCallback)(null, USER);
        return { id: 'resolved' };
      });
      expect(result).to.deep.equal([[null, USER, undefined]]);
    });

    it('done with an error, then its promise resolves: the error, once', async () => {
      const boom = new Error('validate threw');
      const result = await outcomes(async (...params: unknown[]) => {
        (params.at(-1) as (err: unknown, user: unknown) => void)(boom, null);
      });
      expect(result).to.deep.equal([[boom, null, undefined]]);
    });

    it('its promise resolves, then done: the resolution ends the login, once', async () => {
      const result = await outcomes(async (...params: unknown[]) => {
        later(() => (params.at(-1) as VerifyCallback)(null, { id: 'from done' }));
        return USER;
      });
      expect(result).to.deep.equal([[null, USER, undefined]]);
    });

    it('its promise rejects, then done: the error, once', async () => {
      const boom = new Error('first');
      const result = await outcomes(async (...params: unknown[]) => {
        later(() => (params.at(-1) as VerifyCallback)(null, USER));
        throw boom;
      });
      expect(result).to.deep.equal([[boom, undefined, undefined]]);
    });

    it('done, then its promise rejects: done ends the login and the error is left unhandled', async () => {
      const boom = new Error('after done');
      let result: Outcome[] = [];
      const unhandled = await unhandledDuring(async () => {
        result = await outcomes(async (...params: unknown[]) => {
          (params.at(-1) as VerifyCallback)(null, USER);
          await Promise.resolve();
          throw boom;
        });
      });
      expect(result).to.deep.equal([[null, USER, undefined]]);
      expect(unhandled).to.deep.equal([boom]);
    });

    it('done called synchronously wins over a returned value', async () => {
      const result = await outcomes((...params: unknown[]) => {
        (params.at(-1) as VerifyCallback)(null, false, { message: 'no' });
        return USER;
      });
      expect(result).to.deep.equal([[null, false, { message: 'no' }]]);
    });

    it('a function that returns nothing waits for done', async () => {
      const result = await outcomes((...params: unknown[]) => {
        later(() => (params.at(-1) as VerifyCallback)(null, USER));
      });
      expect(result).to.deep.equal([[null, USER, undefined]]);
    });

    it('reports on a later tick, never inside the verify call', async () => {
      let reported = false;
      callVerify(
        (...params: unknown[]) => (params.at(-1) as VerifyCallback)(null, USER),
        ARGS,
        () => {
          reported = true;
        },
      );
      expect(reported).to.equal(false);
      await settleDown();
      expect(reported).to.equal(true);
    });
  });

  it('reports exactly one outcome whatever order done, resolution and rejection come in', async () => {
    type Step = 'done' | 'resolve' | 'reject' | 'throw';
    const steps: Step[] = ['done', 'resolve', 'reject', 'throw'];
    const orders: Step[][] = [];
    for (const a of steps) for (const b of steps) if (a !== b) orders.push([a, b]);
    for (const order of orders) {
      const unhandled = await unhandledDuring(async () => {
        const result = await outcomes((...params: unknown[]) => {
          const done = params.at(-1) as VerifyCallback;
          let resolve: (user: unknown) => void = () => undefined;
          let reject: (err: unknown) => void = () => undefined;
          const promise = new Promise((res, rej) => {
            resolve = res;
            reject = rej;
          });
          for (const step of order) {
            if (step === 'done') done(null, USER);
            if (step === 'resolve') resolve({ id: 'resolved' });
            if (step === 'reject') reject(new Error('rejected'));
            if (step === 'throw') throw new Error('thrown');
          }
          return promise;
        });
        expect(result, order.join(' then ')).to.have.length(1);
      });
      // Only an error that came after the outcome is left unhandled, and there is one at most.
      expect(unhandled.length, order.join(' then ')).to.be.at.most(1);
    }
  });
});
