/** The documented app with its OAuth strategy swapped for the callbackArity one. */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AgileCRMApiKeyStrategy } from '../agilecrm-apikey.strategy';
import { AuthController } from '../auth.controller';
import { SessionSerializer } from '../session.serializer';
import { sessionMiddleware } from '../session';
import { AgileCRMArityStrategy } from './arity.strategy';

@Module({
  imports: [PassportModule.register({ session: true })],
  controllers: [AuthController],
  providers: [AgileCRMArityStrategy, AgileCRMApiKeyStrategy, SessionSerializer],
})
class ArityModule {}

void NestFactory.create(ArityModule, { logger: ['error'] }).then(async (app) => {
  app.use(...sessionMiddleware);
  await app.listen(0, '127.0.0.1');
  console.log(`Listening on ${await app.getUrl()}`);
});
