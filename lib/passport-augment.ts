/**
 * Lets `passport.authenticate('agilecrm', { domain })` type-check: passport's own
 * `AuthenticateOptions` has no `domain`, and the per-request account is passed there.
 */
import 'passport';

declare module 'passport' {
  interface AuthenticateOptions {
    /** The Agile CRM account to log in to (passport-agilecrm); validated by the strategy. */
    domain?: unknown;
  }
}
