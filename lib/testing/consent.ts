/**
 * The authorization endpoint over HTTP: `GET /oauth/authorize` shows the consent page,
 * `POST /oauth/authorize` applies the decision and redirects back to the application.
 */
import { checkAuthorization, decisionLocation } from './authorize';
import { authorizationErrorPage, consentPage } from './consent-page';
import type { RouteContext } from './context';
import { readForm } from './form';
import { emptyAnswer, htmlAnswer, send } from './reply';
import type { EmulatorUser } from './types';

/** `GET /oauth/authorize`: the consent page, or a 400 page for an untrustworthy request. */
export function authorizePage(ctx: RouteContext): void {
  ctx.state.stats.authorize += 1;
  const checked = checkAuthorization(ctx.url.searchParams, ctx.account, ctx.state.clients);
  if (!checked.ok) return send(ctx.res, htmlAnswer(400, authorizationErrorPage(checked.reason)));
  const request = checked.request;
  const client = ctx.state.clients.get(request.clientID);
  const user = ctx.account.users.find(
    (candidate) => candidate.id === request.userID,
  ) as EmulatorUser;
  const html = consentPage({
    appName: client?.name ?? request.clientID,
    clientID: request.clientID,
    domain: ctx.account.domain,
    user,
    pic: `/${ctx.account.domain}/avatars/${user.id}.svg`,
    scope: request.scope,
    redirectURI: request.redirectURI,
    requestID: ctx.state.store.addConsent(request),
  });
  send(ctx.res, htmlAnswer(200, html));
}

/** `POST /oauth/authorize` with `request_id` and `decision=approve|deny`: 302 to the app. */
export async function authorizeDecision(ctx: RouteContext): Promise<void> {
  const read = await readForm(ctx.req);
  if (!read.ok) return send(ctx.res, htmlAnswer(read.status, authorizationErrorPage(read.reason)));
  const decision = read.form.get('decision');
  if (decision !== 'approve' && decision !== 'deny') {
    return send(ctx.res, htmlAnswer(400, authorizationErrorPage('Choose Approve or Deny.')));
  }
  const request = ctx.state.store.takeConsent(read.form.get('request_id') ?? '');
  if (request === undefined || request.domain !== ctx.account.domain) {
    return send(
      ctx.res,
      htmlAnswer(
        400,
        authorizationErrorPage(
          'This consent page has expired or was already used. Start the login again.',
        ),
      ),
    );
  }
  const location = decisionLocation(request, decision === 'approve', ctx.state.store);
  send(ctx.res, emptyAnswer(302, { location, 'cache-control': 'no-store' }));
}
