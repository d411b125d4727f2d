/**
 * `passport-agilecrm/testing`: a local Agile CRM stand-in for tests and demos. It serves the
 * OAuth endpoints (consent page, token, revocation) and the REST API (current user, users,
 * contacts) of several accounts at once, over real HTTP, with Node's own modules only.
 *
 * @packageDocumentation
 */
import { makeEmulator } from './emulator';

export { FAULT_KINDS, FAULT_ROUTES } from './faults';
import type { Emulator, EmulatorOptions } from './types';

/**
 * Creates an Agile CRM emulator; `listen()` starts it. Every route lives under `/{domain}`, so
 * `emu.baseURL` (`http://127.0.0.1:PORT/{domain}`) plugs into the strategy's `baseURL` option.
 *
 * Default seed: account `demo` (user `demo@example.com`, "Dana Demo", id
 * `6263975862861824123`, API key `demo-api-key`, 36 contacts) and account `acme`
 * (`owner@acme.example`, API key `acme-api-key`, 12 contacts); client `demo-client` /
 * `demo-client-secret`, which may redirect to any http(s) URL on 127.0.0.1 or localhost.
 *
 * REST answers are XML unless the request sends `Accept: application/json`. A 401 is
 * `{"status":"401","exception message":"authentication issue"}`, except that a known email with
 * a wrong API key gets an HTML 401 page with `WWW-Authenticate: Basic realm="agilecrm"`.
 *
 * Faults (`emu.fault(route, kind, times)`) other than `split-utf8` answer before the request is
 * processed, so a code or refresh token sent with them stays usable; `split-utf8` processes the
 * request normally and delivers the answer in chunks that split multi-byte characters (the
 * current user's name becomes "Zoë 山田 🚀", token answers gain a `user_name` with it).
 *
 * @example Test your own app's "Log in with Agile CRM" (mocha, with supertest):
 * ```ts
 * import { createEmulator, type RunningEmulator } from 'passport-agilecrm/testing';
 * import request from 'supertest';
 * import { buildApp } from '../src/app'; // your Express app; takes the strategy's options
 *
 * let emu: RunningEmulator;
 * before(async () => { emu = await createEmulator().listen(); });
 * after(() => emu.close());
 *
 * it('logs in with Agile CRM', async () => {
 *   const app = buildApp({
 *     clientID: emu.clientID,
 *     clientSecret: emu.clientSecret,
 *     baseURL: emu.baseURL,        // http://127.0.0.1:PORT/{domain}
 *     revokeURL: emu.revokeURL,
 *     domain: 'demo',
 *     callbackURL: 'http://127.0.0.1:3000/auth/agilecrm/callback',
 *   });
 *   const agent = request.agent(app);
 *   const start = await agent.get('/auth/agilecrm').expect(302);
 *   const back = new URL(emu.approve(start.headers.location)); // the user clicks "Approve"
 *   await agent.get(back.pathname + back.search).expect(302);
 *   const page = await agent.get('/profile').expect(200);
 *   expect(page.text).to.contain('Dana Demo');
 *   expect(emu.stats.token).to.equal(1);
 * });
 * ```
 */
export function createEmulator(options?: EmulatorOptions): Emulator {
  return makeEmulator(options);
}

export type {
  AccountSeed,
  ApproveOptions,
  ContactProperty,
  ContactSeed,
  Emulator,
  EmulatorAccount,
  EmulatorClient,
  EmulatorContact,
  EmulatorOptions,
  EmulatorStats,
  EmulatorUser,
  FaultKind,
  FaultRoute,
  RunningEmulator,
  UserSeed,
} from './types';
