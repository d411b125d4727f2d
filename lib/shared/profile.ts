/**
 * Agile CRM's user object and the normalized passport profile made from it. Pure functions.
 */
import { isRecord } from '../http/json';

/**
 * The logged-in user as Agile CRM returns it from `GET /dev/api/users/current-user`
 * (its "DomainUser"). `id` is always a string holding the exact decimal digits Agile CRM sent:
 * ids are 64-bit and lose digits as JavaScript numbers.
 */
export interface AgileCRMUser {
  id: string;
  domain?: string;
  email?: string;
  phone?: string;
  name?: string;
  /** Avatar URL. */
  pic?: string;
  is_admin?: boolean;
  is_account_owner?: boolean;
  is_disabled?: boolean;
  schedule_id?: string;
  calendar_url?: string;
  timezone?: string;
  role?: string;
  /** Fields Agile CRM adds beyond the documented ones are kept as sent. */
  [field: string]: unknown;
}

/** The passport profile for an Agile CRM user. Holds no token. */
export interface AgileCRMProfile {
  provider: 'agilecrm';
  /** Exact decimal digits of the user's 64-bit id. */
  id: string;
  /** The user's name, else their email. */
  displayName: string;
  emails?: { value: string }[];
  photos?: { value: string }[];
  /** The Agile CRM account (subdomain) the user logged in to. */
  domain: string;
  /** The response body as received. */
  _raw: string;
  /** The parsed user. */
  _json: AgileCRMUser;
}

/** The type each documented field must have; other fields are kept whatever their type. */
const FIELD_TYPES: ReadonlyMap<string, 'string' | 'boolean'> = new Map([
  ['domain', 'string'],
  ['email', 'string'],
  ['phone', 'string'],
  ['name', 'string'],
  ['pic', 'string'],
  ['schedule_id', 'string'],
  ['calendar_url', 'string'],
  ['timezone', 'string'],
  ['role', 'string'],
  ['is_admin', 'boolean'],
  ['is_account_owner', 'boolean'],
  ['is_disabled', 'boolean'],
]);

/**
 * Narrows a parsed body to an {@link AgileCRMUser}, or returns `undefined` when it has no usable
 * `id`. Documented fields of the wrong type are dropped rather than trusted.
 */
export function parseUser(json: unknown): AgileCRMUser | undefined {
  if (!isRecord(json)) return undefined;
  const id = idString(json['id']);
  if (id === undefined) return undefined;
  const user: AgileCRMUser = { id };
  // A plain loop rather than entries/filter/fromEntries: this runs on every login, so the user is
  // built without intermediate arrays.
  for (const field in json) {
    if (!Object.hasOwn(json, field) || field === 'id') continue;
    const value = json[field];
    const expected = FIELD_TYPES.get(field);
    if (expected !== undefined && typeof value !== expected) continue;
    // "__proto__" from JSON.parse is an own data property; assigning it would set a prototype.
    if (field === '__proto__') Object.defineProperty(user, field, { value, enumerable: true });
    else user[field] = value;
  }
  return user;
}

/** Builds the passport profile; `domain` is the account the login went to. */
export function toProfile(user: AgileCRMUser, raw: string, domain: string): AgileCRMProfile {
  const profile: AgileCRMProfile = {
    provider: 'agilecrm',
    id: user.id,
    displayName: nonEmpty(user.name) ?? nonEmpty(user.email) ?? '',
    domain,
    _raw: raw,
    _json: user,
  };
  const email = nonEmpty(user.email);
  if (email) profile.emails = [{ value: email }];
  const pic = nonEmpty(user.pic);
  if (pic) profile.photos = [{ value: pic }];
  return profile;
}

/** Exact id digits from a JSON number (safe integers) or a string of digits (64-bit ids). */
export function idString(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
