/**
 * The user as kept in the session: who they are and how they logged in. No credentials: those
 * are sealed separately (see credentials.ts).
 */
import type { AgileCRMProfile } from 'passport-agilecrm';

/** The logged-in user. */
export interface SessionUser {
  /** Agile CRM user id (exact digits). */
  id: string;
  /** The Agile CRM account. */
  domain: string;
  name: string;
  email?: string | undefined;
  /** Avatar URL. */
  pic?: string | undefined;
  via: 'oauth' | 'apikey';
}

/** Builds the session user from a passport profile. */
export function toSessionUser(profile: AgileCRMProfile, via: SessionUser['via']): SessionUser {
  return {
    id: profile.id,
    domain: profile.domain,
    name: profile.displayName || profile.id,
    email: profile.emails?.[0]?.value,
    pic: profile.photos?.[0]?.value,
    via,
  };
}

/** Narrows `req.user` (or a deserialized value) to a {@link SessionUser}. */
export function isSessionUser(value: unknown): value is SessionUser {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['id'] === 'string' &&
    typeof v['domain'] === 'string' &&
    typeof v['name'] === 'string' &&
    (v['via'] === 'oauth' || v['via'] === 'apikey')
  );
}

/** The logged-in user of `req`, if any. */
export function currentUser(req: { user?: unknown }): SessionUser | undefined {
  return isSessionUser(req.user) ? req.user : undefined;
}
