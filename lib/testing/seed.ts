/**
 * The emulator's accounts: the deterministic default seed and the checks on seeds passed in.
 */
import { createHash } from 'node:crypto';
import { normalizeDomain } from '../shared/domain';
import type {
  AccountSeed,
  ContactProperty,
  ContactSeed,
  EmulatorAccount,
  EmulatorContact,
  EmulatorUser,
  UserSeed,
} from './types';

/** Accounts seeded when the `accounts` option is omitted. */
export const DEFAULT_ACCOUNTS: readonly AccountSeed[] = [
  {
    domain: 'demo',
    users: [
      {
        id: '6263975862861824123',
        email: 'demo@example.com',
        name: 'Dana Demo',
        apiKey: 'demo-api-key',
        phone: '+1 555 0100',
        role: 'ADMIN',
      },
    ],
    contacts: 36,
  },
  {
    domain: 'acme',
    users: [
      {
        id: '5348024557502464042',
        email: 'owner@acme.example',
        name: 'Avery Acme',
        apiKey: 'acme-api-key',
        phone: '+1 555 0199',
        role: 'ADMIN',
      },
    ],
    contacts: 12,
  },
];

const FIRST_NAMES = [
  'Ada',
  'Bruno',
  'Chloé',
  'Dmitri',
  'Elif',
  'Farah',
  'Gustav',
  'Hana',
  'Ikaika',
  'Jūra',
  'Kofi',
  'Lena',
];
const LAST_NAMES = [
  'Okafor',
  'Lindqvist',
  'García',
  'Nakamura',
  "O'Neil",
  'Kowalski',
  'Moreau',
  'Singh',
  'Abebe',
];
const COMPANIES = [
  'Northwind',
  'Globex',
  'Initech',
  'Umbrella & Co',
  'Stark Industries',
  'Wayne Enterprises',
];
const TITLES = ['CEO', 'CTO', 'Head of Sales', 'Buyer', 'Engineer', 'Office Manager'];
const TAGS = ['lead', 'customer', 'newsletter', 'trade-show', 'vip'];
/** 2023-11-14T22:13:20Z: fixed so generated contacts never change between runs. */
const EPOCH = 1_700_000_000;

/** Checks `seeds` and fills in every omitted field. Throws `TypeError` on bad seeds. */
export function buildAccounts(seeds: readonly AccountSeed[]): EmulatorAccount[] {
  if (!Array.isArray(seeds) || seeds.length === 0) {
    throw new TypeError('createEmulator accounts option must be a non-empty array');
  }
  const domains = new Set<string>();
  return seeds.map((seed) => {
    const domain = normalizeDomain(seed.domain);
    if (domain === undefined || domain !== seed.domain) {
      throw new TypeError(
        `createEmulator: account "${String(seed.domain)}" is not a lowercase DNS label`,
      );
    }
    if (domains.has(domain)) throw new TypeError(`createEmulator: account "${domain}" given twice`);
    domains.add(domain);
    const users = buildUsers(domain, seed.users ?? [defaultOwner(domain)]);
    return { domain, users, contacts: buildContacts(domain, users, seed.contacts ?? 0) };
  });
}

function defaultOwner(domain: string): UserSeed {
  return { email: `owner@${domain}.example`, name: `${domain} owner`, apiKey: `${domain}-api-key` };
}

function buildUsers(domain: string, seeds: readonly UserSeed[]): EmulatorUser[] {
  if (seeds.length === 0) throw new TypeError(`createEmulator: account "${domain}" needs a user`);
  const ids = new Set<string>();
  const emails = new Set<string>();
  return seeds.map((seed, index) => {
    const id = seed.id ?? derivedId(`${domain}:user:${seed.email}`);
    const email = String(seed.email);
    if (!/^\d{1,19}$/.test(id))
      throw new TypeError(`createEmulator: user id "${id}" must be decimal digits`);
    if (ids.has(id) || emails.has(email.toLowerCase())) {
      throw new TypeError(`createEmulator: user "${email}" of "${domain}" given twice`);
    }
    if (typeof seed.apiKey !== 'string' || seed.apiKey === '' || typeof seed.name !== 'string') {
      throw new TypeError(
        `createEmulator: user "${email}" of "${domain}" needs a name and an apiKey`,
      );
    }
    ids.add(id);
    emails.add(email.toLowerCase());
    return {
      id,
      email,
      name: seed.name,
      // Replaced by the emulator's own avatar URL once it knows its origin.
      pic: seed.pic ?? '',
      apiKey: seed.apiKey,
      phone: seed.phone ?? '',
      is_admin: seed.is_admin ?? index === 0,
      is_account_owner: seed.is_account_owner ?? index === 0,
      role: seed.role ?? (index === 0 ? 'ADMIN' : 'USER'),
      timezone: seed.timezone ?? 'UTC',
    };
  });
}

function buildContacts(
  domain: string,
  users: readonly EmulatorUser[],
  seeds: number | readonly ContactSeed[],
): EmulatorContact[] {
  const list: readonly ContactSeed[] =
    typeof seeds === 'number' ? Array.from({ length: checkCount(seeds) }, () => ({})) : seeds;
  const owners = new Set(users.map((user) => user.id));
  return list.map((seed, index) => {
    const contact: EmulatorContact = {
      id: seed.id ?? derivedId(`${domain}:contact:${index}`),
      type: seed.type ?? 'PERSON',
      created_time: seed.created_time ?? EPOCH + index * 86_400,
      updated_time: seed.updated_time ?? EPOCH + index * 86_400 + 3_600,
      star_value: seed.star_value ?? index % 6,
      lead_score: seed.lead_score ?? (index * 7) % 100,
      tags: [...(seed.tags ?? [TAGS[index % TAGS.length] as string])],
      properties: (seed.properties ?? generatedProperties(domain, index)).map((p) => ({ ...p })),
      owner_id: seed.owner_id ?? (users[index % users.length] as EmulatorUser).id,
    };
    if (!/^\d{1,19}$/.test(contact.id)) {
      throw new TypeError(`createEmulator: contact id "${contact.id}" must be decimal digits`);
    }
    if (!owners.has(contact.owner_id)) {
      throw new TypeError(
        `createEmulator: contact owner "${contact.owner_id}" is not a user of "${domain}"`,
      );
    }
    return contact;
  });
}

function checkCount(count: number): number {
  if (!Number.isInteger(count) || count < 0 || count > 100_000) {
    throw new TypeError('createEmulator: a contact count must be an integer from 0 to 100000');
  }
  return count;
}

function generatedProperties(domain: string, index: number): ContactProperty[] {
  const first = FIRST_NAMES[index % FIRST_NAMES.length] as string;
  const last = LAST_NAMES[
    Math.floor(index / FIRST_NAMES.length + index) % LAST_NAMES.length
  ] as string;
  const mailbox = `${first}.${last}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  const properties: ContactProperty[] = [
    { type: 'SYSTEM', name: 'first_name', value: first },
    { type: 'SYSTEM', name: 'last_name', value: last },
    {
      type: 'SYSTEM',
      name: 'email',
      subtype: 'work',
      value: `${mailbox}.${index}@${domain}-customers.example`,
    },
    { type: 'SYSTEM', name: 'title', value: TITLES[index % TITLES.length] as string },
    {
      type: 'SYSTEM',
      name: 'phone',
      subtype: 'work',
      value: `+1 555 ${String(1000 + index).padStart(4, '0')}`,
    },
  ];
  // Every third contact has no company, as in real accounts.
  if (index % 3 !== 2) {
    properties.splice(3, 0, {
      type: 'SYSTEM',
      name: 'company',
      value: COMPANIES[index % COMPANIES.length] as string,
    });
  }
  return properties;
}

/**
 * A stable 64-bit id for `key`, always above 2^53 (so it loses digits as a JavaScript number)
 * and below 2^63 (Agile CRM's ids are signed longs).
 */
export function derivedId(key: string): string {
  const hash = createHash('sha256').update(key).digest();
  const bits = hash.readBigUInt64BE(0) & ((1n << 62n) - 1n);
  return ((1n << 62n) | bits).toString();
}
