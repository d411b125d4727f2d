/**
 * The Express app of one variant: express-session with its MemoryStore, then the variant's login
 * routes. The bench runs it in a process of its own (app.ts); bench:parts runs two in one.
 */
import type * as https from 'node:https';
import express, { type Express } from 'express';
import session from 'express-session';
import type { VariantName } from './config';
import { mountBaseline } from './variants/baseline';
import { mountLimit } from './variants/limit';
import { mountOurs } from './variants/ours';
import type { ProviderSettings } from './variants/settings';

const mounts = { ours: mountOurs, baseline: mountBaseline, limit: mountLimit };

/** The app and the agent that carries its requests to the provider. */
export function createVariantApp(
  variant: VariantName,
  settings: ProviderSettings,
): { app: Express; providerAgent: https.Agent } {
  const app = express();
  app.use(
    session({
      secret: 'bench-only-session-secret',
      name: 'sid',
      resave: false,
      saveUninitialized: false,
    }),
  );
  return { app, providerAgent: mounts[variant](app, settings) };
}
