import { expect } from 'chai';
import { formField, useApp } from './helpers';

describe('example app: login rate limit', () => {
  const setup = useApp({ config: { loginRateLimit: 5 } });

  it('answers 429 with standard RateLimit headers once a client floods the login routes', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await agent.get('/auth/agilecrm?account=demo')).status);
    }
    expect(statuses).to.deep.equal([302, 302, 302, 302, 302]);
    const limited = await agent.get('/auth/agilecrm?account=demo');
    expect(limited.status).to.equal(429);
    expect(limited.headers['ratelimit-policy']).to.match(/q=5/);
    expect(limited.headers['ratelimit']).to.match(/r=0/);
    expect(limited.text).to.include('Too many login attempts');

    // The same budget covers the callback and the API-key form.
    await agent.get('/auth/agilecrm/callback?code=x&state=y').expect(429);
    const home = await agent.get('/').expect(200);
    const before = emu.stats.currentUser;
    await agent
      .post('/auth/apikey')
      .type('form')
      .send({ _csrf: formField(home.text, '_csrf'), domain: 'demo', email: 'a@b.c', apiKey: 'k' })
      .expect(429);
    expect(emu.stats.currentUser).to.equal(before);
    // Other pages are not limited.
    await agent.get('/').expect(200);
  });
});
