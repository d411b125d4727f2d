// src/jwt/agilecrm.strategy.ts
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { CookiePendingLoginStore, Strategy, type AgileCRMProfile } from 'passport-agilecrm';

@Injectable()
export class AgileCRMStrategy extends PassportStrategy(Strategy, 'agilecrm') {
  constructor() {
    super({
      clientID: process.env.AGILECRM_CLIENT_ID!,
      clientSecret: process.env.AGILECRM_CLIENT_SECRET!,
      callbackURL: '/auth/agilecrm/callback',
      domain: process.env.AGILECRM_DOMAIN, // unset: choose the account per login
      baseURL: process.env.AGILECRM_BASE_URL, // unset in production; the emulator in tests
      // No session: until the callback, the pending login waits in a sealed cookie.
      store: new CookiePendingLoginStore({ secret: process.env.PENDING_LOGIN_SECRET! }),
    });
  }

  async validate(
    _accessToken: string,
    _refreshToken: string | undefined,
    profile: AgileCRMProfile,
  ) {
    return { id: profile.id, name: profile.displayName, domain: profile.domain };
  }
}
