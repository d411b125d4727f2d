/**
 * The OAuth strategy through the mixin's `callbackArity: true`: the callback's declared length
 * is validate's plus one, so the strategy sees the (accessToken, refreshToken, profile, done)
 * callback form.
 */
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy, type AgileCRMProfile } from 'passport-agilecrm';

@Injectable()
export class AgileCRMArityStrategy extends PassportStrategy(Strategy, 'agilecrm', true) {
  constructor() {
    super({
      clientID: process.env.AGILECRM_CLIENT_ID!,
      clientSecret: process.env.AGILECRM_CLIENT_SECRET!,
      callbackURL: '/auth/agilecrm/callback',
      domain: process.env.AGILECRM_DOMAIN,
      baseURL: process.env.AGILECRM_BASE_URL,
    });
  }

  validate(_accessToken: string, _refreshToken: string | undefined, profile: AgileCRMProfile) {
    return { id: profile.id, name: profile.displayName, domain: profile.domain, arity: true };
  }
}
