// src/auth.guards.ts
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';

/** Runs a strategy, then starts a session for its user (AuthGuard alone does not). */
export function SessionLoginGuard(strategy: string) {
  @Injectable()
  class SessionLogin extends AuthGuard(strategy) {
    async canActivate(context: ExecutionContext): Promise<boolean> {
      const allowed = (await super.canActivate(context)) as boolean;
      await super.logIn(context.switchToHttp().getRequest());
      return allowed;
    }
  }
  return SessionLogin;
}

@Injectable()
export class AgileCRMGuard extends SessionLoginGuard('agilecrm') {}

@Injectable()
export class AgileCRMApiKeyGuard extends SessionLoginGuard('agilecrm-apikey') {}

/** Lets logged-in users through. */
@Injectable()
export class LoggedInGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<Request>().isAuthenticated();
  }
}
