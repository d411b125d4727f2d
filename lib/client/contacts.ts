/**
 * Agile CRM's contact object, the parsing of a contacts page, and helpers that read common
 * properties. Pure functions.
 */
import { AgileCRMResponseError } from '../http/errors';
import { isRecord } from '../http/json';
import { idString, parseUser, type AgileCRMUser } from '../shared/profile';

/**
 * One entry of a contact's `properties`. System properties include `first_name`, `last_name`,
 * `email`, `company`, `title`, `phone` and `address` (whose value is itself a JSON string).
 */
export interface AgileCRMContactProperty {
  /** `'SYSTEM'` for Agile CRM's own fields, `'CUSTOM'` for the account's custom fields. */
  type: string;
  name: string;
  value: string;
  /** For example `'work'` or `'personal'` on an email. */
  subtype?: string;
}

/**
 * A contact as `GET /dev/api/contacts` returns it. Ids are strings holding the exact digits
 * Agile CRM sent (they are 64-bit). Fields beyond the documented ones are kept as sent.
 */
export interface AgileCRMContact {
  id: string;
  /** `'PERSON'` or `'COMPANY'`. */
  type?: string;
  /** Epoch seconds. */
  created_time?: number;
  /** Epoch seconds. */
  updated_time?: number;
  star_value?: number;
  lead_score?: number;
  tags: string[];
  properties: AgileCRMContactProperty[];
  owner?: AgileCRMUser;
  /** Present on the last contact of a page when another page follows. */
  cursor?: string;
  [field: string]: unknown;
}

/** One page of contacts; `cursor` fetches the next page and is absent on the last one. */
export interface AgileCRMContactPage {
  contacts: AgileCRMContact[];
  cursor?: string;
}

const NUMBER_FIELDS = ['created_time', 'updated_time', 'star_value', 'lead_score'] as const;

/**
 * Narrows a parsed contact, or returns `undefined` when it has no usable `id`. Properties and
 * tags that are not of the documented shape are dropped; other documented fields of the wrong
 * type are removed rather than trusted.
 */
export function parseContact(json: unknown): AgileCRMContact | undefined {
  if (!isRecord(json)) return undefined;
  const id = idString(json['id']);
  if (id === undefined) return undefined;
  // Documented fields of the wrong type are dropped rather than trusted.
  const kept = Object.entries(json).filter(([field, value]) => hasExpectedType(field, value));
  const contact: AgileCRMContact = {
    ...Object.fromEntries(kept),
    id,
    tags: Array.isArray(json['tags'])
      ? json['tags'].filter((tag): tag is string => typeof tag === 'string')
      : [],
    properties: Array.isArray(json['properties'])
      ? json['properties'].flatMap((entry: unknown) => parseProperty(entry) ?? [])
      : [],
  };
  const owner = parseUser(json['owner']);
  if (owner) contact.owner = owner;
  return contact;
}

function hasExpectedType(field: string, value: unknown): boolean {
  if ((NUMBER_FIELDS as readonly string[]).includes(field)) return typeof value === 'number';
  if (field === 'type') return typeof value === 'string';
  if (field === 'cursor') return typeof value === 'string' && value !== '';
  // The owner is parsed on its own; a malformed one is left out.
  return field !== 'owner';
}

function parseProperty(json: unknown): AgileCRMContactProperty | undefined {
  if (!isRecord(json)) return undefined;
  const { type, name, value, subtype } = json;
  if (typeof type !== 'string' || typeof name !== 'string') return undefined;
  const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const property: AgileCRMContactProperty = { type, name, value: text };
  if (typeof subtype === 'string' && subtype !== '') property.subtype = subtype;
  return property;
}

/**
 * Turns a contacts response into a page: a bare JSON array whose last element carries the next
 * page's `cursor`. `undefined` (HTTP 204, no contacts) is an empty page.
 */
export function parseContactPage(json: unknown, status: number): AgileCRMContactPage {
  if (json === undefined) return { contacts: [] };
  if (!Array.isArray(json)) {
    throw new AgileCRMResponseError(
      `Agile CRM contacts request returned JSON that is not a list of contacts (HTTP ${status})`,
      status,
    );
  }
  const contacts = json.map((entry: unknown, index) => {
    const contact = parseContact(entry);
    if (!contact) {
      throw new AgileCRMResponseError(
        `Agile CRM contacts request returned an entry without an id at position ${index} (HTTP ${status})`,
        status,
      );
    }
    return contact;
  });
  const cursor = contacts.at(-1)?.cursor;
  return cursor === undefined ? { contacts } : { contacts, cursor };
}

/**
 * The value of the contact's first property called `name` (preferring `subtype` when given),
 * or `undefined`.
 *
 * @example
 * contactProperty(contact, 'email', 'work');
 */
export function contactProperty(
  contact: AgileCRMContact,
  name: string,
  subtype?: string,
): string | undefined {
  const matching = contact.properties.filter((property) => property.name === name);
  const preferred =
    subtype === undefined ? undefined : matching.find((property) => property.subtype === subtype);
  return (preferred ?? matching[0])?.value;
}

/** The contact's `first_name`, or `undefined`. */
export function contactFirstName(contact: AgileCRMContact): string | undefined {
  return contactProperty(contact, 'first_name');
}

/** The contact's `last_name`, or `undefined`. */
export function contactLastName(contact: AgileCRMContact): string | undefined {
  return contactProperty(contact, 'last_name');
}

/** The contact's first `email` property, or `undefined`. */
export function contactEmail(contact: AgileCRMContact): string | undefined {
  return contactProperty(contact, 'email');
}
