/**
 * Credentials and constructors the AgileCRMClient tests share. The tests talk to nock only
 * (see test/support/nock.ts), so no request can leave the process.
 */
import { AgileCRMClient, type AgileCRMClientOptions } from '../../../lib/client/client';

/** The account `acme` at Agile CRM's default base URL. */
export const AGILE = 'https://acme.agilecrm.com';

export const JSON_TYPE = { 'content-type': 'application/json' };
export const API_KEY = 'k3y-s3cr3t-abc123';
export const EMAIL = 'dana@acme.example';
export const ACCESS_TOKEN = 'at-0123456789abcdef';

/** Base64 of `email:apiKey`, computed independently of the code under test. */
export function basic(email: string, apiKey: string): string {
  return 'Basic ' + Buffer.from(`${email}:${apiKey}`).toString('base64');
}

/** A client of the account `acme` with the fixtures' email and API key. */
export function apiKeyClient(options?: AgileCRMClientOptions): AgileCRMClient {
  return new AgileCRMClient({ domain: 'acme', email: EMAIL, apiKey: API_KEY }, options);
}
