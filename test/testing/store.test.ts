/**
 * The emulator's token store under load: past 10,000 access tokens it forgets the expired ones
 * and keeps every live one.
 */
import { expect } from 'chai';
import { AuthorizationStore, type CodeRecord } from '../../lib/testing/store';

const TTL_MS = 60_000;

function codeRecord(): CodeRecord {
  return {
    domain: 'demo',
    clientID: 'client',
    redirectURI: 'http://app.test/callback',
    userID: '1',
    scope: '',
    state: undefined,
    codeChallenge: undefined,
    codeChallengeMethod: undefined,
    expiresAt: Date.now() + 60_000,
    used: true,
    grantID: undefined,
  };
}

/** Issues `count` logins' tokens at the current (possibly mocked) time. */
function issue(store: AuthorizationStore, count: number): string[] {
  return Array.from({ length: count }, () => store.exchangeCode(codeRecord()).tokens.accessToken);
}

describe('emulator token store', () => {
  const realNow = Date.now;
  afterEach(() => {
    Date.now = realNow;
  });

  it('keeps every live access token past 10,000 of them', () => {
    const store = new AuthorizationStore(TTL_MS, 60_000);
    const tokens = issue(store, 10_050);
    for (const token of [tokens[0]!, tokens[5000]!, tokens[10_049]!]) {
      expect(store.findAccessGrant(token)?.domain).to.equal('demo');
    }
  });

  it('forgets the expired ones once there are 10,000, and only those', () => {
    const store = new AuthorizationStore(TTL_MS, 60_000);
    const start = realNow();
    Date.now = () => start;
    const old = issue(store, 10_000);
    Date.now = () => start + TTL_MS / 2;
    const live = issue(store, 10);
    Date.now = () => start + TTL_MS + 1;
    const fresh = issue(store, 1);
    // Forgotten entirely: not even known as an expired token of some grant.
    expect(store.tokenGrant(old[0]!)).to.equal(undefined);
    expect(store.tokenGrant(old[9999]!)).to.equal(undefined);
    expect(store.findAccessGrant(live[0]!)?.domain).to.equal('demo');
    expect(store.findAccessGrant(fresh[0]!)?.domain).to.equal('demo');
  });
});
