/**
 * The emulator's token store under load: past 10,000 access tokens it forgets the expired ones
 * and keeps every live one; ending a grant ends exactly its own tokens.
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

  describe('ending grants', () => {
    /** A grant with its first tokens and, after `rotations` refreshes, its later ones. */
    function grantWithRotations(store: AuthorizationStore, rotations: number) {
      const { grant, tokens } = store.exchangeCode(codeRecord());
      const access = [tokens.accessToken];
      let refresh = tokens.refreshToken;
      for (let i = 0; i < rotations; i++) {
        const next = store.rotate(refresh, grant);
        access.push(next.accessToken);
        refresh = next.refreshToken;
      }
      return { grant, access, refresh };
    }

    it("ends every access token and the refresh token of the grant, and no other grant's", () => {
      const store = new AuthorizationStore(TTL_MS, 60_000);
      const before = grantWithRotations(store, 1);
      const ended = grantWithRotations(store, 3);
      const after = grantWithRotations(store, 2);
      store.revokeGrant(ended.grant.id);
      for (const token of [...ended.access, ended.refresh]) {
        expect(store.tokenGrant(token)).to.equal(undefined);
      }
      for (const kept of [before, after]) {
        for (const token of kept.access) {
          expect(store.findAccessGrant(token)?.id).to.equal(kept.grant.id);
        }
        expect(store.findRefreshGrant(kept.refresh)?.id).to.equal(kept.grant.id);
      }
    });

    it('a rotated-out refresh token no longer names its grant', () => {
      const store = new AuthorizationStore(TTL_MS, 60_000);
      const { grant, tokens } = store.exchangeCode(codeRecord());
      store.rotate(tokens.refreshToken, grant);
      expect(store.findRefreshGrant(tokens.refreshToken)).to.equal(undefined);
      expect(store.findAccessGrant(tokens.accessToken)?.id).to.equal(grant.id);
    });

    it('revoking an access token ends it alone; revoking the refresh token ends the grant', () => {
      const store = new AuthorizationStore(TTL_MS, 60_000);
      const { grant, access, refresh } = grantWithRotations(store, 1);
      store.revoke(access[0]!);
      expect(store.tokenGrant(access[0]!)).to.equal(undefined);
      expect(store.findAccessGrant(access[1]!)?.id).to.equal(grant.id);
      expect(store.findRefreshGrant(refresh)?.id).to.equal(grant.id);
      store.revoke(refresh);
      expect(store.tokenGrant(access[1]!)).to.equal(undefined);
      expect(store.tokenGrant(refresh)).to.equal(undefined);
    });

    it('still ends the live tokens of a grant whose expired ones were forgotten', () => {
      const store = new AuthorizationStore(TTL_MS, 60_000);
      const start = realNow();
      Date.now = () => start;
      const old = grantWithRotations(store, 0);
      issue(store, 9_999);
      Date.now = () => start + TTL_MS + 1;
      // Past 10,000 tokens, this rotation's issue forgets the expired ones, old.access[0] too.
      const next = store.rotate(old.refresh, old.grant);
      expect(store.tokenGrant(old.access[0]!)).to.equal(undefined);
      expect(store.findAccessGrant(next.accessToken)?.id).to.equal(old.grant.id);
      store.revokeGrant(old.grant.id);
      expect(store.tokenGrant(next.accessToken)).to.equal(undefined);
      expect(store.tokenGrant(next.refreshToken)).to.equal(undefined);
    });
  });
});
