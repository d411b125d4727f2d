/**
 * The Express app of one variant: express-session (with its MemoryStore unless a store is
 * given), then the variant's login routes. The bench runs it in a process of its own (app.ts);
 * bench:parts runs two in one.
 */
import type * as https from 'node:https';
import express, { type Express } from 'express';
import session, { type Store } from 'express-session';
import type { VariantName } from './config';
import type { PendingLogins } from './session-store';
import { mountBaseline } from './variants/baseline';
import { mountLimit } from './variants/limit';
import { mountOurs } from './variants/ours';
import type { ProviderSettings } from './variants/settings';

/** How the app keeps state. */
export interface VariantAppOptions {
  /** express-session's store. Default its MemoryStore. */
  sessionStore?: Store | undefined;
  /** Where the ours app keeps pending logins. Default the session. */
  pendingLogins?: PendingLogins | undefined;
}

/** The app and the agent that carries its requests to the provider. */
export function createVariantApp(
  variant: VariantName,
  settings: ProviderSettings,
  options: VariantAppOptions = {},
): { app: Express; providerAgent: https.Agent } {
  const app = express();
  app.use(
    session({
      secret: 'bench-only-session-secret',
      name: 'sid',
      resave: false,
      saveUninitialized: false,
      ...(options.sessionStore === undefined ? {} : { store: options.sessionStore }),
    }),
  );
  const providerAgent =
    variant === 'ours'
      ? mountOurs(app, settings, options.pendingLogins ?? 'session')
      : variant === 'baseline'
        ? mountBaseline(app, settings)
        : mountLimit(app, settings);
  return { app, providerAgent };
}
