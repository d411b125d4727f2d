/**
 * Variant "ours": passport-agilecrm's Strategy, configured as its README shows.
 */
import * as https from 'node:https';
import type { Express } from 'express';
import { Strategy } from 'passport-agilecrm';
import { mountPassport, verify } from './passport-app';
import { CALLBACK_PATH, type ProviderSettings } from './settings';

/** Mounts the login routes of passport-agilecrm on `app`. */
export function mountOurs(app: Express, settings: ProviderSettings): void {
  const strategy = new Strategy(
    {
      clientID: settings.clientID,
      clientSecret: settings.clientSecret,
      callbackURL: CALLBACK_PATH,
      domain: settings.domain,
      baseURL: `${settings.origin}/{domain}`,
      // The emulator's certificate is self-signed; a private CA is what the agent option is for.
      agent: new https.Agent({ keepAlive: true, ca: settings.ca }),
    },
    verify,
  );
  mountPassport(app, strategy);
}
