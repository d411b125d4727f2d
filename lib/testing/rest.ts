/**
 * The REST API: `GET /dev/api/users/current-user`, `GET /dev/api/users` and
 * `GET /dev/api/contacts`, in Agile CRM's JSON (exact 64-bit ids) or XML.
 */
import { avatarURL } from './avatar';
import type { RouteContext } from './context';
import { deliverFault, MULTIBYTE_NAME } from './faults';
import { ExactInteger, toJSONText, type Value } from './json-text';
import { agileError, emptyAnswer, jsonAnswer, send, xmlAnswer, type Answer } from './reply';
import type { EmulatorAccount, EmulatorContact, EmulatorUser, FaultKind } from './types';
import { authenticateUser } from './user-auth';
import { wantsJSON } from './xml';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 1000;

/** `GET /dev/api/users/current-user`: the user the credentials belong to. */
export function currentUser(ctx: RouteContext): void {
  ctx.state.stats.currentUser += 1;
  const owner = ctx.account.users[0] as EmulatorUser;
  const fault = ctx.state.faults.take('current-user');
  if (fault && deliverFault(fault, ctx.req, ctx.res, toJSONText(userValue(owner, ctx)))) return;
  const auth = authenticateUser(ctx.req.headers, ctx.account, ctx.state.store);
  if (!auth.ok) return send(ctx.res, auth.answer);
  const user = fault === 'split-utf8' ? { ...auth.user, name: MULTIBYTE_NAME } : auth.user;
  send(ctx.res, answer(ctx, userValue(user, ctx), 'domainUser'), fault === 'split-utf8');
}

/** `GET /dev/api/users`: every user of the account. */
export function users(ctx: RouteContext): void {
  const auth = authenticateUser(ctx.req.headers, ctx.account, ctx.state.store);
  if (!auth.ok) return send(ctx.res, auth.answer);
  const list = ctx.account.users.map((user) => userValue(user, ctx));
  send(ctx.res, answer(ctx, list, 'domainUsers', 'domainUser'));
}

/**
 * `GET /dev/api/contacts?page_size=N&cursor=C`: a bare array; when more contacts remain, the
 * last element carries the next `cursor`; the first carries the total `count`. 204 with an
 * empty body when nothing is left.
 */
export function contacts(ctx: RouteContext): void {
  ctx.state.stats.contacts += 1;
  const fault = ctx.state.faults.take('contacts');
  if (fault && deliverFault(fault, ctx.req, ctx.res, sampleContacts(ctx))) return;
  const auth = authenticateUser(ctx.req.headers, ctx.account, ctx.state.store);
  if (!auth.ok) return send(ctx.res, auth.answer);
  const page = readPage(ctx.url.searchParams, ctx.account);
  if (typeof page === 'string') return send(ctx.res, agileError(400, page));
  const all = ctx.account.contacts;
  if (page.offset >= all.length) return send(ctx.res, emptyAnswer(204));
  const end = Math.min(page.offset + page.size, all.length);
  const values = all.slice(page.offset, end).map((contact, index) => {
    const value = contactValue(contact, ctx, fault);
    if (index === 0) value['count'] = all.length;
    if (index === end - page.offset - 1 && end < all.length) {
      value['cursor'] = encodeCursor(ctx.account.domain, end);
    }
    return value;
  });
  send(ctx.res, answer(ctx, values, 'contacts', 'contact'), fault === 'split-utf8');
}

/** The user in Agile CRM's "DomainUser" shape. */
export function userValue(user: EmulatorUser, ctx: Pick<RouteContext, 'account' | 'state'>): Value {
  const domain = ctx.account.domain;
  const schedule =
    user.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || user.id;
  return {
    id: new ExactInteger(user.id),
    domain,
    email: user.email,
    phone: user.phone,
    name: user.name,
    pic: user.pic || avatarURL(ctx.state.origin, domain, user.id),
    is_admin: user.is_admin,
    is_account_owner: user.is_account_owner,
    is_disabled: false,
    schedule_id: schedule,
    calendar_url: `${ctx.state.origin}/${domain}/calendar/${schedule}`,
    timezone: user.timezone,
    role: user.role,
  };
}

function contactValue(
  contact: EmulatorContact,
  ctx: RouteContext,
  fault: FaultKind | undefined,
): { [field: string]: Value | undefined } {
  const owner = ctx.account.users.find((user) => user.id === contact.owner_id) as EmulatorUser;
  const properties = contact.properties.map((property) => ({
    type: property.type,
    name: property.name,
    subtype: property.subtype,
    value:
      fault === 'split-utf8' && property.name === 'first_name' ? MULTIBYTE_NAME : property.value,
  }));
  return {
    id: new ExactInteger(contact.id),
    type: contact.type,
    created_time: contact.created_time,
    updated_time: contact.updated_time,
    star_value: contact.star_value,
    lead_score: contact.lead_score,
    tags: contact.tags,
    tagsWithTime: contact.tags.map((tag) => ({ tag, createdTime: contact.created_time * 1000 })),
    properties,
    owner: userValue(owner, ctx),
  };
}

function answer(ctx: RouteContext, value: Value, root: string, item?: string): Answer {
  return wantsJSON(ctx.req.headers.accept) ? jsonAnswer(200, value) : xmlAnswer(root, value, item);
}

function readPage(
  query: URLSearchParams,
  account: EmulatorAccount,
): { size: number; offset: number } | string {
  const sizeText = query.get('page_size');
  const size = sizeText === null ? DEFAULT_PAGE_SIZE : Number(sizeText);
  if (sizeText !== null && !/^\d+$/.test(sizeText)) return 'page_size must be a number';
  if (size < 1 || size > MAX_PAGE_SIZE) return `page_size must be between 1 and ${MAX_PAGE_SIZE}`;
  const cursor = query.get('cursor');
  if (cursor === null || cursor === '') return { size, offset: 0 };
  const offset = decodeCursor(account.domain, cursor);
  return offset === undefined ? 'Invalid cursor' : { size, offset };
}

/** An opaque cursor bound to the account, so another account's cursor is refused. */
function encodeCursor(domain: string, offset: number): string {
  return Buffer.from(`${domain}:contacts:${offset}`).toString('base64url');
}

function decodeCursor(domain: string, cursor: string): number | undefined {
  const match = /^([a-z0-9-]+):contacts:(\d{1,9})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  return match && match[1] === domain ? Number(match[2]) : undefined;
}

function sampleContacts(ctx: RouteContext): string {
  const first = ctx.account.contacts.slice(0, DEFAULT_PAGE_SIZE);
  return toJSONText(first.map((contact) => contactValue(contact, ctx, undefined)));
}
