/**
 * Lets `passport.authenticate('agilecrm', { domain })` type-check: passport's own
 * `AuthenticateOptions` has no `domain`, and the per-request account is passed there.
 *
 * Types only: importing 'passport' here would make it a runtime dependency, and it is not one
 * (its types come with @types/passport-oauth2).
 */
export {};

declare module 'passport' {
  interface AuthenticateOptions {
    /** The Agile CRM account to log in to (passport-agilecrm); validated by the strategy. */
    domain?: unknown;
  }
}
