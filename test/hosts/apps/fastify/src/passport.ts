// src/passport.ts
import fastifyPassport from '@fastify/passport';
import {
  ApiKeyStrategy,
  Strategy,
  type AgileCRMProfile,
  type PendingLoginStore,
} from 'passport-agilecrm';

function toUser(profile: AgileCRMProfile) {
  return { id: profile.id, name: profile.displayName, domain: profile.domain };
}

// Unset in production (https://{domain}.agilecrm.com); tests point it at the emulator.
const baseURL = process.env.AGILECRM_BASE_URL;

/** Registers both strategies; `store` keeps the pending logins (default: in the session). */
export function useStrategies(store?: PendingLoginStore): void {
  fastifyPassport.use(
    'agilecrm',
    new Strategy(
      {
        clientID: process.env.AGILECRM_CLIENT_ID!,
        clientSecret: process.env.AGILECRM_CLIENT_SECRET!,
        callbackURL: '/auth/agilecrm/callback',
        domain: process.env.AGILECRM_DOMAIN, // unset: choose the account per login
        baseURL,
        store,
      },
      async (_accessToken, _refreshToken, profile) => toUser(profile),
    ),
  );
  fastifyPassport.use('agilecrm-apikey', new ApiKeyStrategy({ baseURL }, async (p) => toUser(p)));
  fastifyPassport.registerUserSerializer(async (user) => user);
  fastifyPassport.registerUserDeserializer(async (user) => user);
}

export { fastifyPassport };
