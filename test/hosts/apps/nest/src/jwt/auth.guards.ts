// src/jwt/auth.guards.ts
import {
  HttpException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
  type Type,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuthGuard, type IAuthGuard } from '@nestjs/passport';
import type { Request } from 'express';

/**
 * Runs a strategy with `session: false` (AuthGuard's default) and keeps the status of a refused
 * login, where AuthGuard alone answers 401 to every one: 403 for a forged or replayed callback.
 */
export function TokenLoginGuard(strategy: string): Type<IAuthGuard> {
  @Injectable()
  class TokenLogin extends AuthGuard(strategy) {
    handleRequest<TUser>(
      err: unknown,
      user: TUser | false,
      info: { message?: string } | undefined,
      _context: ExecutionContext,
      status?: number,
    ): TUser {
      if (err) throw err;
      if (!user) throw new HttpException(info?.message ?? 'Unauthorized', status ?? 401);
      return user;
    }
  }
  return TokenLogin;
}

@Injectable()
export class AgileCRMGuard extends TokenLoginGuard('agilecrm') {}

@Injectable()
export class AgileCRMApiKeyGuard extends TokenLoginGuard('agilecrm-apikey') {}

/** Lets requests through that carry a token of this app as `Authorization: Bearer`. */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) throw new UnauthorizedException();
    try {
      const payload = await this.jwt.verifyAsync<{ user: Express.User }>(token);
      req.user = payload.user;
    } catch {
      throw new UnauthorizedException();
    }
    return true;
  }
}
