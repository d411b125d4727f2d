import { expect } from 'chai';
import { ConfigError, readSettings, settingWarnings } from '../../example-app/src/config';

const SECRET = 'x'.repeat(32);

function problems(env: Record<string, string>): string[] {
  try {
    readSettings(env, '/app');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('example app settings', () => {
  it('runs demo mode with defaults when no Agile CRM setting is given', () => {
    const settings = readSettings({}, '/app');
    expect(settings).to.include({ mode: 'demo', port: 3000, host: '127.0.0.1', tokenTTL: 60 });
    expect(settings.sessionDB).to.equal('/app/example-app/data/sessions.db');
    expect(settings.trustProxy).to.equal(false);
    expect(settings.redisURL).to.equal(undefined);
  });

  it('uses a real account when all three Agile CRM settings are given', () => {
    const settings = readSettings(
      {
        AGILECRM_DOMAIN: 'Acme',
        AGILECRM_CLIENT_ID: 'id',
        AGILECRM_CLIENT_SECRET: 'secret',
        BASE_URL: 'https://app.example.com/',
      },
      '/app',
    );
    expect(settings).to.include({
      mode: 'agilecrm',
      domain: 'acme',
      clientID: 'id',
      clientSecret: 'secret',
      publicURL: 'https://app.example.com',
    });
  });

  it('names every missing setting when only some are given', () => {
    const found = problems({ AGILECRM_DOMAIN: 'acme' });
    expect(found).to.have.length(1);
    expect(found[0]).to.include('Missing AGILECRM_CLIENT_ID, AGILECRM_CLIENT_SECRET');
    expect(found[0]).not.to.include('Missing AGILECRM_DOMAIN');
  });

  it('treats AGILECRM_BASE_URL alone as a partial real-account setup', () => {
    const found = problems({ AGILECRM_BASE_URL: 'http://127.0.0.1:4000/{domain}' });
    expect(found[0]).to.include(
      'Missing AGILECRM_DOMAIN, AGILECRM_CLIENT_ID, AGILECRM_CLIENT_SECRET',
    );
    expect(found[0]).to.include('AGILECRM_BASE_URL');
  });

  it('rejects an account that is not one DNS label', () => {
    const found = problems({
      AGILECRM_DOMAIN: 'acme.agilecrm.com/x',
      AGILECRM_CLIENT_ID: 'id',
      AGILECRM_CLIENT_SECRET: 'secret',
    });
    expect(found.join('\n')).to.include('AGILECRM_DOMAIN must be your account name');
  });

  it('collects every bad value in one error', () => {
    const found = problems({
      PORT: 'eighty',
      BASE_URL: 'ftp://x',
      SESSION_SECRET: 'short-secret-value',
      REDIS_URL: 'http://redis',
      LOGIN_RATE_LIMIT: '0',
    });
    const text = found.join('\n');
    expect(text).to.include('PORT must be a whole number');
    expect(text).to.include('BASE_URL must be an absolute http(s) URL');
    expect(text).to.include('SESSION_SECRET must be at least 32 characters');
    expect(text).to.include('REDIS_URL must start with redis://');
    expect(text).to.include('LOGIN_RATE_LIMIT must be a whole number from 1');
    // The rejected secret itself is never repeated.
    expect(text).not.to.include('short-secret-value');
  });

  it('requires SESSION_SECRET with REDIS_URL, since instances must share it', () => {
    expect(problems({ REDIS_URL: 'redis://127.0.0.1:6379' }).join('\n')).to.include(
      'REDIS_URL is set, so SESSION_SECRET is required',
    );
    const settings = readSettings({ REDIS_URL: 'redis://127.0.0.1:6379', SESSION_SECRET: SECRET });
    expect(settings.redisURL).to.equal('redis://127.0.0.1:6379');
  });

  it('reads TRUST_PROXY as hops, true, or an address list', () => {
    expect(readSettings({ TRUST_PROXY: 'true' }).trustProxy).to.equal(1);
    expect(readSettings({ TRUST_PROXY: '2' }).trustProxy).to.equal(2);
    expect(readSettings({ TRUST_PROXY: 'loopback' }).trustProxy).to.equal('loopback');
    expect(readSettings({ TRUST_PROXY: 'false' }).trustProxy).to.equal(false);
  });

  it('reads DEMO_TOKEN_TTL, SESSION_DB and LOG_REQUESTS', () => {
    const settings = readSettings(
      { DEMO_TOKEN_TTL: '5', SESSION_DB: 'data/s.db', LOG_REQUESTS: '1' },
      '/srv',
    );
    expect(settings).to.include({ mode: 'demo', tokenTTL: 5, sessionDB: '/srv/data/s.db' });
    expect(settings.logRequests).to.equal(true);
  });

  describe('warnings at start', () => {
    const warnings = (env: Record<string, string>): string[] =>
      settingWarnings(readSettings(env, '/app'));

    it('warns, naming TRUST_PROXY, when BASE_URL is https:// and TRUST_PROXY is not set', () => {
      const cases: Record<string, string>[] = [
        { BASE_URL: 'https://app.example.com' },
        { BASE_URL: 'https://app.example.com', TRUST_PROXY: 'false' },
      ];
      for (const env of cases) {
        const found = warnings(env);
        expect(found).to.have.length(1);
        expect(found[0]).to.include('TRUST_PROXY=1');
        expect(found[0]).to.include('Secure');
      }
    });

    it('says nothing when a proxy is trusted or the public URL is plain http', () => {
      expect(warnings({ BASE_URL: 'https://app.example.com', TRUST_PROXY: '1' })).to.deep.equal([]);
      expect(warnings({ BASE_URL: 'http://localhost:3000' })).to.deep.equal([]);
      expect(warnings({})).to.deep.equal([]);
    });
  });
});
