/**
 * Variant "baseline": a plain passport-oauth2 subclass written the way the popular provider
 * strategies (passport-github2, passport-google-oauth20 and their kin) are written.
 */
import * as https from 'node:https';
import type { Express } from 'express';
import OAuth2Strategy, { InternalOAuthError } from 'passport-oauth2';
import { mountPassport, verify } from './passport-app';
import { CALLBACK_PATH, endpointsOf, type ProviderSettings } from './settings';

interface BaselineOptions {
  clientID: string;
  clientSecret: string;
  callbackURL: string;
  authorizationURL: string;
  tokenURL: string;
  profileURL: string;
}

interface BaselineProfile {
  provider: 'agilecrm';
  id: string;
  displayName: string;
  emails: { value: string }[];
  _raw: string;
  _json: Record<string, unknown>;
}

/** State and PKCE on, JSON requested through customHeaders, profile through `_oauth2.get`. */
export class BaselineStrategy extends OAuth2Strategy {
  private _profileURL: string;

  constructor(options: BaselineOptions, verifyFn: OAuth2Strategy.VerifyFunction) {
    super(
      {
        clientID: options.clientID,
        clientSecret: options.clientSecret,
        callbackURL: options.callbackURL,
        authorizationURL: options.authorizationURL,
        tokenURL: options.tokenURL,
        state: true,
        pkce: true,
        customHeaders: { Accept: 'application/json' },
      },
      verifyFn,
    );
    this.name = 'agilecrm';
    this._profileURL = options.profileURL;
    this._oauth2.useAuthorizationHeaderforGET(true);
  }

  override userProfile(
    accessToken: string,
    done: (err?: unknown, profile?: BaselineProfile) => void,
  ): void {
    this._oauth2.get(this._profileURL, accessToken, (err, body) => {
      if (err) {
        done(new InternalOAuthError('Failed to fetch user profile', err));
        return;
      }
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(String(body)) as Record<string, unknown>;
      } catch {
        done(new Error('Failed to parse user profile'));
        return;
      }
      done(null, {
        provider: 'agilecrm',
        id: String(json['id']),
        displayName: String(json['name'] ?? json['email']),
        emails: [{ value: String(json['email']) }],
        _raw: String(body),
        _json: json,
      });
    });
  }
}

/** The baseline strategy for the provider; its requests go through Node's global agent. */
export function createBaselineStrategy(settings: ProviderSettings): BaselineStrategy {
  // node-oauth has no agent option in passport-oauth2; apps with a private CA extend the global
  // agent (or set NODE_EXTRA_CA_CERTS). Node 20's global agent keeps connections alive.
  https.globalAgent.options.ca = settings.ca;
  return new BaselineStrategy(
    {
      clientID: settings.clientID,
      clientSecret: settings.clientSecret,
      callbackURL: CALLBACK_PATH,
      ...endpointsOf(settings),
    },
    verify,
  );
}

/** Mounts the login routes of the baseline strategy on `app`; returns the agent it uses. */
export function mountBaseline(app: Express, settings: ProviderSettings): https.Agent {
  mountPassport(app, createBaselineStrategy(settings));
  return https.globalAgent;
}
