import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMClient } from '../../lib/client/client';
import { contactEmail } from '../../lib/client/contacts';
import { AgileCRMAPIError } from '../../lib/http/errors';
import { createEmulator, type RunningEmulator } from '../../lib/testing';

describe('AgileCRMClient against the bundled Agile CRM emulator', () => {
  let emu: RunningEmulator;

  before(async () => {
    nock.enableNetConnect();
    emu = await createEmulator().listen(0, '127.0.0.1');
  });

  after(() => emu.close());

  function demoClient(apiKey = 'demo-api-key'): AgileCRMClient {
    return new AgileCRMClient(
      { domain: 'demo', email: 'demo@example.com', apiKey },
      { baseURL: emu.baseURL, timeout: 5000 },
    );
  }

  it('reads the current user with its exact 64-bit id', async () => {
    const user = await demoClient().currentUser();

    expect(user).to.include({ id: '6263975862861824123', email: 'demo@example.com' });
  });

  it('lists all 36 seeded contacts page by page', async () => {
    const before = emu.stats.contacts;
    const ids = new Set<string>();
    const emails: string[] = [];
    for await (const contact of demoClient().contacts({ pageSize: 10 })) {
      ids.add(contact.id);
      emails.push(contactEmail(contact) ?? '');
    }

    expect(ids.size).to.equal(36);
    expect(emails.every((email) => email.includes('@'))).to.equal(true);
    expect(emu.stats.contacts - before).to.equal(4);
  });

  it('keeps accounts apart', async () => {
    const acme = new AgileCRMClient(
      { domain: 'acme', email: 'owner@acme.example', apiKey: 'acme-api-key' },
      { baseURL: emu.baseURL },
    );
    let count = 0;
    for await (const contact of acme.contacts({ pageSize: 5 })) count += contact.id ? 1 : 0;

    expect(count).to.equal(12);
  });

  it('a wrong API key is a 401 AgileCRMAPIError', async () => {
    const error = await demoClient('wrong-key')
      .currentUser()
      .catch((err: unknown) => err);

    expect(error).to.be.instanceOf(AgileCRMAPIError);
    expect((error as AgileCRMAPIError).status).to.equal(401);
  });

  it('the emulated daily quota is an AgileCRMAPIError with its message', async () => {
    emu.fault('contacts', 'quota', 1);

    const error = await demoClient()
      .listContacts()
      .catch((err: unknown) => err);

    expect(error).to.be.instanceOf(AgileCRMAPIError);
    expect((error as Error).message).to.match(/HTTP 500: .*limit/i);
  });
});
