// src/jwt/app.module.ts
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AgileCRMApiKeyStrategy } from '../agilecrm-apikey.strategy';
import { AgileCRMStrategy } from './agilecrm.strategy';
import { AuthController } from './auth.controller';

@Module({
  imports: [
    JwtModule.register({ secret: process.env.JWT_SECRET!, signOptions: { expiresIn: '1h' } }),
  ],
  controllers: [AuthController],
  providers: [AgileCRMStrategy, AgileCRMApiKeyStrategy],
})
export class AppModule {}
