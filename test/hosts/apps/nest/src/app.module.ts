// src/app.module.ts
import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AgileCRMApiKeyStrategy } from './agilecrm-apikey.strategy';
import { AgileCRMStrategy } from './agilecrm.strategy';
import { AuthController } from './auth.controller';
import { SessionSerializer } from './session.serializer';

@Module({
  imports: [PassportModule.register({ session: true })],
  controllers: [AuthController],
  providers: [AgileCRMStrategy, AgileCRMApiKeyStrategy, SessionSerializer],
})
export class AppModule {}
