import { expect } from 'chai';
import { TokenVault } from '../../example-app/src/token-vault';

const SECRET = 'a-session-secret-of-at-least-32-chars';

describe('example app token vault', () => {
  const vault = new TokenVault(SECRET);
  const tokens = { kind: 'oauth', accessToken: 'at-123', refreshToken: 'rt-456' };

  it('round-trips a value and never shows it in the sealed text', () => {
    const sealed = vault.seal(tokens, 'user-1');
    expect(sealed).to.match(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.to.include('at-123');
    expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.to.include('rt-456');
    expect(vault.open(sealed, 'user-1')).to.deep.equal(tokens);
  });

  it('uses a new IV each time', () => {
    expect(vault.seal(tokens, 'user-1')).not.to.equal(vault.seal(tokens, 'user-1'));
  });

  it('refuses another context, another key and altered bytes', () => {
    const sealed = vault.seal(tokens, 'user-1');
    expect(vault.open(sealed, 'user-2')).to.equal(undefined);
    expect(new TokenVault(`${SECRET}-other`).open(sealed, 'user-1')).to.equal(undefined);
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(vault.open(`v1.${raw.toString('base64url')}`, 'user-1')).to.equal(undefined);
    expect(vault.open('v1.', 'user-1')).to.equal(undefined);
    expect(vault.open(undefined, 'user-1')).to.equal(undefined);
  });

  it('needs a secret of 32 characters or more', () => {
    expect(() => new TokenVault('short')).to.throw(TypeError, /at least 32/);
  });
});
