// src/main.ts
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { sessionMiddleware } from './session';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.use(...sessionMiddleware);
  await app.listen(process.env.PORT ?? 3000, '127.0.0.1');
  console.log(`Listening on ${await app.getUrl()}`);
}
void bootstrap();
