// src/session.serializer.ts
import { Injectable } from '@nestjs/common';
import { PassportSerializer } from '@nestjs/passport';

/** Keeps the whole (small) user in the session; store an id and load the user if yours is big. */
@Injectable()
export class SessionSerializer extends PassportSerializer {
  serializeUser(user: Express.User, done: (err: null, user: Express.User) => void): void {
    done(null, user);
  }

  deserializeUser(user: Express.User, done: (err: null, user: Express.User) => void): void {
    done(null, user);
  }
}
