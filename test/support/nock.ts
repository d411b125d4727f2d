/**
 * Keeps unit tests off the network: nock answers the requests a test intercepts, and only local
 * servers on 127.0.0.1 (supertest's app, a test's own server) can be reached.
 */
import nock from 'nock';

/** Registers mocha hooks that refuse real connections but to 127.0.0.1, and drop interceptors. */
export function useNock(): void {
  beforeEach(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}
