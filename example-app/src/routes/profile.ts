/**
 * GET /profile: the logged-in user and one page of their contacts, fetched from Agile CRM with
 * AgileCRMClient (refreshing the access token when needed).
 */
import { Router } from 'express';
import {
  AgileCRMAPIError,
  contactEmail,
  contactFirstName,
  contactLastName,
  type AgileCRMContact,
} from 'passport-agilecrm';
import { sendFailure, type AppContext } from '../context';
import { describeError } from '../failures';
import { safeReturnTo } from '../return-to';
import { currentUser } from '../session-user';
import { SessionEndedError } from '../tokens';
import { profilePage, type ContactRow } from '../views/profile';
import { endSession } from './session-end';

const PAGE_SIZE = 10;
const MAX_CURSOR_LENGTH = 2000;

/** The profile route. */
export function profileRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/profile', async (req, res, next) => {
    const user = currentUser(req);
    if (user === undefined) {
      const back = safeReturnTo(req.originalUrl);
      const query = back ? `&returnTo=${encodeURIComponent(back)}` : '';
      res.redirect(303, `/?notice=login-required${query}`);
      return;
    }
    const raw = req.query['cursor'];
    const cursor =
      typeof raw === 'string' && raw !== '' && raw.length <= MAX_CURSOR_LENGTH ? raw : undefined;
    let page;
    try {
      page = await ctx.access.call(req, (client) =>
        client.listContacts({ pageSize: PAGE_SIZE, cursor }),
      );
    } catch (err) {
      if (err instanceof SessionEndedError) {
        ctx.log(`Session ended: ${err.message}`);
        await endSession(ctx, req, res, next, 'session-ended', { revoke: false });
        return;
      }
      ctx.log(`Contacts request failed: ${err instanceof Error ? err.name : 'error'}`);
      // A cursor Agile CRM refuses (400) would fail again: retry from the first page then.
      const retry =
        err instanceof AgileCRMAPIError && err.status === 400
          ? '/profile'
          : (safeReturnTo(req.originalUrl) ?? '/profile');
      sendFailure(ctx, res, describeError(err), retry);
      return;
    }
    res.type('html').send(
      profilePage({
        demo: ctx.demo !== undefined,
        csrfToken: ctx.csrf.token(req, res),
        name: user.name,
        email: user.email,
        avatarURL: user.pic,
        account: user.domain,
        via: user.via,
        contacts: page.contacts.map(toRow),
        nextCursor: page.cursor,
        paged: cursor !== undefined,
      }),
    );
  });
  return router;
}

function toRow(contact: AgileCRMContact): ContactRow {
  const name = [contactFirstName(contact), contactLastName(contact)].filter(Boolean).join(' ');
  return { name: name || '(no name)', email: contactEmail(contact) ?? '', tags: contact.tags };
}
