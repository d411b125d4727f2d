/**
 * Mocha hooks and constructors the AgileCRMClient tests share. The tests talk to nock only, so no
 * request can leave the process.
 */
import nock from 'nock';
import { AgileCRMClient, type AgileCRMClientOptions } from '../../lib/client/client';
import { API_KEY, EMAIL } from './fixtures';

/** The account `acme` at Agile CRM's default base URL. */
export const AGILE = 'https://acme.agilecrm.com';

/**
 * Registers mocha hooks that refuse every real connection (nock answers the test's requests) and
 * drop the test's interceptors after it.
 */
export function useNock(): void {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}

/** A client of the account `acme` with the fixtures' email and API key. */
export function apiKeyClient(options?: AgileCRMClientOptions): AgileCRMClient {
  return new AgileCRMClient({ domain: 'acme', email: EMAIL, apiKey: API_KEY }, options);
}
