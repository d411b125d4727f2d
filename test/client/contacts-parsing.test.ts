import { expect } from 'chai';
import {
  contactEmail,
  contactFirstName,
  contactLastName,
  contactProperty,
  parseContact,
  parseContactPage,
  type AgileCRMContact,
} from '../../lib/client/contacts';
import { parseJSONExact } from '../../lib/http/json';
import { contactJSON, page } from './support/contacts';

describe('contacts: the typed contact shape and property helpers', () => {
  const json = parseJSONExact(
    contactJSON('5629499534213120123', 'Ann', 'Archer', 'ann@x.example', { cursor: 'next' }),
  );
  const contact = parseContact(json) as AgileCRMContact;

  it('keeps the 64-bit ids of the contact and its owner exact', () => {
    expect(contact.id).to.equal('5629499534213120123');
    expect(contact.owner?.id).to.equal('6263975862861824123');
    expect(contact.owner?.email).to.equal('dana@acme.example');
  });

  it('types properties, tags and the documented fields', () => {
    expect(contact.type).to.equal('PERSON');
    expect(contact.tags).to.deep.equal(['Lead', 'Likely Buyer']);
    expect(contact.created_time).to.equal(1466591410);
    expect(contact.lead_score).to.equal(92);
    expect(contact.cursor).to.equal('next');
    expect(contact.properties[2]).to.deep.equal({
      type: 'SYSTEM',
      name: 'email',
      subtype: 'work',
      value: 'ann@x.example',
    });
    expect(contact['tagsWithTime']).to.deep.equal([{ tag: 'Lead', createdTime: 1466591410000 }]);
  });

  it('reads first name, last name, email and any property', () => {
    expect(contactFirstName(contact)).to.equal('Ann');
    expect(contactLastName(contact)).to.equal('Archer');
    expect(contactEmail(contact)).to.equal('ann@x.example');
    expect(contactProperty(contact, 'Plan')).to.equal('Pro');
    expect(JSON.parse(contactProperty(contact, 'address') ?? '')).to.deep.equal({
      city: 'Mumbai',
      country: 'IN',
    });
    expect(contactProperty(contact, 'phone')).to.equal(undefined);
  });

  it('prefers the asked-for subtype, else the first of that name', () => {
    const two = parseContact({
      id: 1,
      properties: [
        { type: 'SYSTEM', name: 'email', subtype: 'work', value: 'w@x.example' },
        { type: 'SYSTEM', name: 'email', subtype: 'personal', value: 'p@x.example' },
      ],
    }) as AgileCRMContact;
    expect(contactProperty(two, 'email', 'personal')).to.equal('p@x.example');
    expect(contactProperty(two, 'email', 'home')).to.equal('w@x.example');
    expect(contactEmail(two)).to.equal('w@x.example');
  });

  it('drops entries of the wrong shape instead of trusting them', () => {
    const odd = parseContact({
      id: '12',
      type: 7,
      tags: ['ok', 3, null],
      lead_score: '99',
      cursor: '',
      owner: { name: 'no id' },
      properties: [
        { type: 'SYSTEM', name: 'first_name', value: 'Ok' },
        { type: 'CUSTOM', name: 'Seats', value: 12 },
        { name: 'no type', value: 'x' },
        { type: 'SYSTEM', name: 'email', value: { nested: true } },
        'junk',
      ],
    }) as AgileCRMContact;
    expect(odd).to.deep.equal({
      id: '12',
      tags: ['ok'],
      properties: [
        { type: 'SYSTEM', name: 'first_name', value: 'Ok' },
        { type: 'CUSTOM', name: 'Seats', value: '12' },
      ],
    });
  });

  it('has no contact without an id', () => {
    for (const bad of [null, [], 'x', {}, { id: 1.5 }, { id: 2 ** 60 }]) {
      expect(parseContact(bad)).to.equal(undefined);
    }
  });

  it('a page takes the cursor from its last contact only', () => {
    const body = parseJSONExact(
      page(
        contactJSON('1', 'A', 'A', 'a@x.example', { cursor: 'not-this' }),
        contactJSON('2', 'B', 'B', 'b@x.example', { cursor: 'this' }),
      ),
    );
    expect(parseContactPage(body, 200).cursor).to.equal('this');
    const last = parseJSONExact(
      page(
        contactJSON('1', 'A', 'A', 'a@x.example', { cursor: 'ignored' }),
        contactJSON('2', 'B', 'B', 'b@x.example'),
      ),
    );
    expect(parseContactPage(last, 200)).not.to.have.property('cursor');
  });
});
