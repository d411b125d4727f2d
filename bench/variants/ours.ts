/**
 * Variant "ours": passport-agilecrm's Strategy, configured as its README shows, with pending
 * logins in the session (the default) or in a sealed cookie (`CookiePendingLoginStore`).
 */
import * as https from 'node:https';
import type { Express } from 'express';
import { CookiePendingLoginStore, Strategy } from 'passport-agilecrm';
import type { PendingLogins } from '../session-store';
import { mountPassport, verify } from './passport-app';
import { CALLBACK_PATH, type ProviderSettings } from './settings';

/** passport-agilecrm's Strategy for the provider, and the agent that carries its requests. */
export function createOursStrategy(
  settings: ProviderSettings,
  pendingLogins: PendingLogins = 'session',
): {
  strategy: Strategy;
  agent: https.Agent;
} {
  // The emulator's certificate is self-signed; a private CA is what the agent option is for.
  const agent = new https.Agent({ keepAlive: true, ca: settings.ca });
  const strategy = new Strategy(
    {
      clientID: settings.clientID,
      clientSecret: settings.clientSecret,
      callbackURL: CALLBACK_PATH,
      domain: settings.domain,
      baseURL: `${settings.origin}/{domain}`,
      agent,
      ...(pendingLogins === 'cookie'
        ? { store: new CookiePendingLoginStore({ secret: 'bench-only-pending-login-secret-0123' }) }
        : {}),
    },
    verify,
  );
  return { strategy, agent };
}

/** Mounts the login routes of passport-agilecrm on `app`; returns the agent used for Agile CRM. */
export function mountOurs(
  app: Express,
  settings: ProviderSettings,
  pendingLogins: PendingLogins = 'session',
): https.Agent {
  const { strategy, agent } = createOursStrategy(settings, pendingLogins);
  mountPassport(app, strategy);
  return agent;
}
