/**
 * What the documentation's code snippets may use without defining it: the names a page
 * introduces in its prose ("`app` is your Express app", "`strategy` is your `Strategy`"). The
 * snippet test imports each of these into every snippet that does not declare the name itself,
 * then type-checks the snippet against the built package. Declarations only: nothing here runs.
 */
import type { Express, Request, Response } from 'express';
import type { PassportStatic } from 'passport';
import type {
  AgileCRMClient,
  AgileCRMProfile,
  Strategy,
  StrategyOptions,
  VerifyFunction,
} from 'passport-agilecrm';
import type { RunningEmulator } from 'passport-agilecrm/testing';
import type request from 'supertest';

export { expect } from 'chai';

/** Your Express app. */
export declare const app: Express;
/** The `passport` package's default instance. */
export declare const passport: PassportStatic;
/** A request and its response, inside a route handler. */
export declare const req: Request;
export declare const res: Response;
/** Your user, as your verify function returns it. */
export declare const user: Express.User;
/** Your user store. */
export declare const users: { upsert(profile: AgileCRMProfile): Promise<Express.User> };
/** A JWT app's own token for a logged-in user. */
export declare function issueToken(user: Express.User | undefined): string;

/** The OAuth strategy's options and verify function, as in the README's quick start. */
export declare const options: StrategyOptions;
export declare const verify: VerifyFunction;
/** Your OAuth client's id and secret. */
export declare const clientID: string;
export declare const clientSecret: string;
/** The strategy your app registered with `passport.use()`. */
export declare const strategy: Strategy;

/** Credentials a login gave you. */
export declare const accessToken: string;
export declare const refreshToken: string;
export declare const email: string;
export declare const apiKey: string;
/** An `AgileCRMClient` for the logged-in user. */
export declare const client: AgileCRMClient;

/** Your app built with the strategy's options, as a test builds it. */
export declare function buildApp(options: StrategyOptions): Express;
/** A running emulator, and a supertest agent on your app, inside a test. */
export declare const emu: RunningEmulator;
export declare const agent: ReturnType<typeof request.agent>;
