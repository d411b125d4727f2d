import { expect } from 'chai';
import { parseJSONExact } from '../../lib/http/json';
import { createEmulator, type RunningEmulator } from '../../lib/testing/index';
import { withClockAhead } from '../support/clock';
import { basic, DEMO_BASIC, login } from './support/emulator';

const JSON_ACCEPT = { accept: 'application/json' };
const AUTH_ISSUE = '{"status":"401","exception message":"authentication issue"}';

describe('emulator REST API', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await createEmulator({
      accounts: [
        {
          domain: 'demo',
          users: [
            {
              id: '6263975862861824123',
              email: 'demo@example.com',
              name: 'Dana Demo',
              apiKey: 'demo-api-key',
            },
            { email: 'second@example.com', name: 'Sam Second', apiKey: 'second-key' },
          ],
          contacts: 5,
        },
        { domain: 'empty', contacts: 0 },
      ],
    }).listen();
  });
  after(() => emu.close());

  const currentUser = (headers: Record<string, string>, domain = 'demo') =>
    fetch(`${emu.url}/${domain}/dev/api/users/current-user`, { headers });

  describe('GET /dev/api/users/current-user', () => {
    it('answers the user of a Bearer access token, 64-bit id as a bare number with exact digits', async () => {
      const tokens = await login(emu);
      const response = await currentUser({
        authorization: `Bearer ${tokens.access_token}`,
        ...JSON_ACCEPT,
      });
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^application\/json/);
      const raw = await response.text();
      expect(raw).to.match(/^\{"id":6263975862861824123,/);
      // What a plain JSON.parse would make of it: the digits are gone.
      expect(String((JSON.parse(raw) as { id: number }).id)).not.to.equal('6263975862861824123');
      expect(parseJSONExact(raw)).to.deep.include({
        id: '6263975862861824123',
        domain: 'demo',
        email: 'demo@example.com',
        name: 'Dana Demo',
        pic: `${emu.url}/demo/avatars/6263975862861824123.svg`,
        is_disabled: false,
      });
    });

    it('answers the user of Basic email:apiKey, any user of the account', async () => {
      const response = await currentUser({
        authorization: basic('second@example.com', 'second-key', false),
        ...JSON_ACCEPT,
      });
      expect(response.status).to.equal(200);
      const user = parseJSONExact(await response.text()) as { id: string; email: string };
      expect(user.email).to.equal('second@example.com');
      expect(user.id).to.equal(emu.accounts[0]!.users[1]!.id);
      expect(BigInt(user.id) > BigInt(Number.MAX_SAFE_INTEGER)).to.equal(true);
    });

    it('answers XML without Accept: application/json', async () => {
      const variants: Record<string, string>[] = [
        {},
        { accept: '*/*' },
        { accept: 'text/html' },
        { accept: 'application/json;q=0' },
      ];
      for (const headers of variants) {
        const response = await currentUser({ authorization: DEMO_BASIC, ...headers });
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-type')).to.match(/^application\/xml/);
        const xml = await response.text();
        expect(xml).to.match(
          /^<\?xml version="1\.0" encoding="UTF-8" standalone="yes"\?><domainUser><id>6263975862861824123<\/id><domain>demo<\/domain>/,
        );
        expect(xml).to.contain('<name>Dana Demo</name>');
      }
    });

    it('answers JSON when application/json is one of several types', async () => {
      const response = await currentUser({
        authorization: DEMO_BASIC,
        accept: 'text/xml, application/json;q=0.9',
      });
      expect(response.headers.get('content-type')).to.match(/^application\/json/);
    });

    it("answers 401 with Agile CRM's JSON body for missing, unknown, expired and other accounts' credentials", async () => {
      const tokens = await login(emu);
      const cases: Record<string, string>[] = [
        {},
        { authorization: 'Bearer not-a-token' },
        { authorization: basic('nobody@example.com', 'demo-api-key', false) },
        { authorization: 'Digest x' },
        { authorization: 'Basic' },
      ];
      for (const headers of cases) {
        const response = await currentUser({ ...headers, ...JSON_ACCEPT });
        expect(response.status, JSON.stringify(headers)).to.equal(401);
        expect(await response.text()).to.equal(AUTH_ISSUE);
      }
      const otherAccount = await currentUser(
        { authorization: `Bearer ${tokens.access_token}` },
        'empty',
      );
      expect(otherAccount.status).to.equal(401);
      expect(await otherAccount.text()).to.equal(AUTH_ISSUE);
      const expired = await withClockAhead(3_601_000, () =>
        currentUser({ authorization: `Bearer ${tokens.access_token}`, ...JSON_ACCEPT }),
      );
      expect(expired.status).to.equal(401);
      expect(await expired.text()).to.equal(AUTH_ISSUE);
      // Also without Accept: errors are always JSON.
      const xmlClient = await currentUser({});
      expect(await xmlClient.text()).to.equal(AUTH_ISSUE);
    });

    it('answers the HTML 401 page with WWW-Authenticate for a known email with a wrong key', async () => {
      const response = await currentUser({
        authorization: basic('demo@example.com', 'wrong-key', false),
        ...JSON_ACCEPT,
      });
      expect(response.status).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal('Basic realm="agilecrm"');
      expect(response.headers.get('content-type')).to.match(/^text\/html/);
      const html = await response.text();
      expect(html).to.contain('<title>401 Unauthorized</title>');
      expect(html).not.to.contain('wrong-key');
    });
  });

  it('GET /dev/api/users lists every user of the account', async () => {
    const response = await fetch(`${emu.url}/demo/dev/api/users`, {
      headers: { authorization: DEMO_BASIC, ...JSON_ACCEPT },
    });
    const raw = await response.text();
    const users = parseJSONExact(raw) as { id: string; email: string }[];
    expect(users.map((user) => user.email)).to.deep.equal([
      'demo@example.com',
      'second@example.com',
    ]);
    expect(raw).to.contain('"id":6263975862861824123,');
    const xml = await (
      await fetch(`${emu.url}/demo/dev/api/users`, { headers: { authorization: DEMO_BASIC } })
    ).text();
    expect(xml.match(/<domainUser>/g)).to.have.length(2);
    expect(xml).to.contain('<domainUsers>');
  });

  describe('GET /dev/api/contacts', () => {
    const contactsURL = (query: string, domain = 'demo') =>
      `${emu.url}/${domain}/dev/api/contacts${query}`;
    const get = (url: string, headers: Record<string, string> = JSON_ACCEPT) =>
      fetch(url, { headers: { authorization: DEMO_BASIC, ...headers } });

    it('pages through every contact with the cursor on the last element', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      const pages: number[] = [];
      do {
        const query =
          cursor === undefined
            ? '?page_size=2'
            : `?page_size=2&cursor=${encodeURIComponent(cursor)}`;
        const response = await get(contactsURL(query));
        expect(response.status).to.equal(200);
        const raw = await response.text();
        const page = parseJSONExact(raw) as Record<string, unknown>[];
        expect(Array.isArray(page)).to.equal(true);
        pages.push(page.length);
        page.slice(0, -1).forEach((contact) => expect(contact).not.to.have.property('cursor'));
        expect(page[0]).to.have.property('count', 5);
        for (const contact of page) {
          seen.push(contact['id'] as string);
          // Ids are bare numbers with exact digits in the raw body.
          expect(raw).to.contain(`"id":${contact['id'] as string},`);
        }
        cursor = page[page.length - 1]!['cursor'] as string | undefined;
      } while (cursor !== undefined);
      expect(pages).to.deep.equal([2, 2, 1]);
      expect(seen).to.deep.equal(emu.accounts[0]!.contacts.map((contact) => contact.id));
    });

    it("answers contacts in Agile CRM's shape", async () => {
      const page = parseJSONExact(await (await get(contactsURL('?page_size=1'))).text()) as Record<
        string,
        unknown
      >[];
      const contact = page[0]!;
      expect(contact).to.include({ type: 'PERSON', star_value: 0, lead_score: 0 });
      expect(contact['id']).to.match(/^\d{19}$/);
      expect(contact['created_time']).to.be.a('number').within(1e9, 1e10);
      expect(contact['updated_time']).to.be.a('number').within(1e9, 1e10);
      expect(contact['tags']).to.be.an('array');
      const names = (
        contact['properties'] as { type: string; name: string; subtype?: string }[]
      ).map((p) => p.name);
      expect(names).to.include.members([
        'first_name',
        'last_name',
        'email',
        'company',
        'title',
        'phone',
      ]);
      const email = (
        contact['properties'] as { name: string; subtype?: string; type: string }[]
      ).find((p) => p.name === 'email');
      expect(email).to.include({ type: 'SYSTEM', subtype: 'work' });
      expect(contact['owner']).to.include({ id: '6263975862861824123', email: 'demo@example.com' });
    });

    it('answers 204 with an empty body for an account without contacts and past the end', async () => {
      const response = await fetch(contactsURL('', 'empty'), {
        headers: {
          authorization: basic('owner@empty.example', 'empty-api-key', false),
          ...JSON_ACCEPT,
        },
      });
      expect(response.status).to.equal(204);
      expect(await response.text()).to.equal('');
      const end = Buffer.from('demo:contacts:5').toString('base64url');
      const past = await get(contactsURL(`?cursor=${end}`));
      expect(past.status).to.equal(204);
      expect(await past.text()).to.equal('');
    });

    it('defaults to pages of 20 and answers XML without Accept', async () => {
      const xml = await (await get(contactsURL(''), {})).text();
      expect(xml).to.match(/^<\?xml[^>]*\?><contacts><contact><id>\d{19}<\/id>/);
      expect(xml.match(/<contact>/g)).to.have.length(5);
      expect(xml).to.contain('<properties><type>SYSTEM</type><name>first_name</name>');
    });

    it('refuses a bad page_size, a forged cursor and a cursor of another account', async () => {
      for (const query of [
        '?page_size=0',
        '?page_size=abc',
        '?page_size=1001',
        '?cursor=forged',
        `?cursor=${Buffer.from('empty:contacts:0').toString('base64url')}`,
      ]) {
        const response = await get(contactsURL(query));
        expect(response.status, query).to.equal(400);
        expect(await response.json()).to.have.property('status', '400');
      }
    });

    it('needs credentials', async () => {
      const response = await fetch(contactsURL(''), { headers: JSON_ACCEPT });
      expect(response.status).to.equal(401);
      expect(await response.text()).to.equal(AUTH_ISSUE);
    });
  });

  it('serves an SVG avatar at the URL in pic, with initials', async () => {
    const pic = emu.accounts[0]!.users[0]!.pic;
    const response = await fetch(pic);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^image\/svg\+xml/);
    const svg = await response.text();
    expect(svg).to.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).to.contain('>DD</text>');
    expect((await fetch(`${emu.url}/demo/avatars/1.svg`)).status).to.equal(404);
  });

  it('answers 404 for unknown paths and 405 for wrong methods', async () => {
    expect((await fetch(`${emu.url}/demo/dev/api/nothing`)).status).to.equal(404);
    const wrong = await fetch(`${emu.url}/demo/dev/api/contacts`, { method: 'DELETE' });
    expect(wrong.status).to.equal(405);
    expect(wrong.headers.get('allow')).to.equal('GET');
  });
});
