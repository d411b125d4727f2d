// src/agilecrm-apikey.strategy.ts
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ApiKeyStrategy, type AgileCRMProfile } from 'passport-agilecrm';

@Injectable()
export class AgileCRMApiKeyStrategy extends PassportStrategy(ApiKeyStrategy, 'agilecrm-apikey') {
  constructor() {
    super({ baseURL: process.env.AGILECRM_BASE_URL });
  }

  async validate(profile: AgileCRMProfile) {
    return { id: profile.id, name: profile.displayName, domain: profile.domain };
  }
}
