// src/jwt/auth.controller.ts
import { Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { AgileCRMApiKeyGuard, AgileCRMGuard, TokenGuard } from './auth.guards';

@Controller()
export class AuthController {
  constructor(private readonly jwt: JwtService) {}

  @Get('auth/agilecrm')
  @UseGuards(AgileCRMGuard)
  login(): void {
    // The guard has redirected to Agile CRM.
  }

  @Get('auth/agilecrm/callback')
  @UseGuards(AgileCRMGuard)
  callback(@Req() req: Request) {
    return { token: this.jwt.sign({ user: req.user }) };
  }

  // A form posting domain, email and apiKey.
  @Post('login/apikey')
  @HttpCode(200)
  @UseGuards(AgileCRMApiKeyGuard)
  apiKeyLogin(@Req() req: Request) {
    return { token: this.jwt.sign({ user: req.user }) };
  }

  @Get('me')
  @UseGuards(TokenGuard)
  me(@Req() req: Request) {
    return req.user;
  }
}
