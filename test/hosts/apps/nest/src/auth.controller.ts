// src/auth.controller.ts
import { Controller, Get, Post, Redirect, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AgileCRMApiKeyGuard, AgileCRMGuard, LoggedInGuard } from './auth.guards';

@Controller()
export class AuthController {
  @Get('auth/agilecrm')
  @UseGuards(AgileCRMGuard)
  login(): void {
    // The guard has redirected to Agile CRM.
  }

  @Get('auth/agilecrm/callback')
  @UseGuards(AgileCRMGuard)
  @Redirect('/')
  callback(): void {}

  // A form posting domain, email and apiKey.
  @Post('login/apikey')
  @UseGuards(AgileCRMApiKeyGuard)
  @Redirect('/')
  apiKeyLogin(): void {}

  @Get('me')
  @UseGuards(LoggedInGuard)
  me(@Req() req: Request) {
    return req.user;
  }
}
