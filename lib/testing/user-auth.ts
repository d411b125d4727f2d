/**
 * Who a REST request comes from: a live Bearer access token, or HTTP Basic `email:apiKey`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { agileError, htmlAnswer, type Answer } from './reply';
import type { AuthorizationStore } from './store';
import type { EmulatorAccount, EmulatorUser } from './types';

/** The authenticated user, or the 401 answer to send. */
export type UserCheck = { ok: true; user: EmulatorUser } | { ok: false; answer: Answer };

/** Agile CRM's JSON 401. */
export const AUTHENTICATION_ISSUE = (): Answer => agileError(401, 'authentication issue');

const WRONG_KEY_PAGE = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head><title>401 Unauthorized</title></head><body><h1>Unauthorized</h1>
<p>This server could not verify that you are authorized to access the document requested.</p></body></html>
`;

/**
 * Authenticates a REST request against `account`.
 *
 * The 401 rule is deterministic: a known email with a wrong API key gets the web server's HTML
 * 401 page with `WWW-Authenticate: Basic realm="agilecrm"`; everything else (no or malformed
 * credentials, an unknown email, an unknown, expired, revoked or other account's access token)
 * gets the JSON body `{"status":"401","exception message":"authentication issue"}`.
 */
export function authenticateUser(
  headers: IncomingHttpHeaders,
  account: EmulatorAccount,
  store: AuthorizationStore,
): UserCheck {
  const [scheme = '', credentials = ''] = (headers.authorization ?? '').trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) {
    const grant = store.findAccessGrant(credentials);
    const user =
      grant?.domain === account.domain
        ? account.users.find((u) => u.id === grant.userID)
        : undefined;
    return user ? { ok: true, user } : { ok: false, answer: AUTHENTICATION_ISSUE() };
  }
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const email = colon < 0 ? decoded : decoded.slice(0, colon);
    const key = colon < 0 ? '' : decoded.slice(colon + 1);
    const user = account.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
    if (user === undefined) return { ok: false, answer: AUTHENTICATION_ISSUE() };
    if (user.apiKey !== key) {
      return {
        ok: false,
        answer: htmlAnswer(401, WRONG_KEY_PAGE, { 'www-authenticate': 'Basic realm="agilecrm"' }),
      };
    }
    return { ok: true, user };
  }
  return { ok: false, answer: AUTHENTICATION_ISSUE() };
}
