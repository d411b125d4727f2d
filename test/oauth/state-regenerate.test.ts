import { expect } from 'chai';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { useNock } from '../support/nock';
import { agentFor, makeStrategy, mockProfile, mockToken, startLogin } from './support/strategy';

/** An app as the README shows it: req.logIn through passport, with session serialization. */
function sessionApp(): express.Express {
  const passport = new Passport();
  passport.use(makeStrategy());
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  const app = express();
  app.use(session({ secret: 's', resave: false, saveUninitialized: false }));
  app.use(passport.session());
  app.get('/login', passport.authenticate('agilecrm'));
  app.get(
    '/callback',
    passport.authenticate('agilecrm', { failureRedirect: '/failed', successRedirect: '/home' }),
  );
  app.get('/me', (req, res) => {
    res.json({ user: req.user ?? null });
  });
  return app;
}

describe('two tabs with passport sessions (req.logIn)', () => {
  useNock();

  it('completes both logins although passport regenerates the session at the first', async () => {
    const agent = agentFor(sessionApp());
    const tab1 = await startLogin(agent);
    const tab2 = await startLogin(agent);
    mockToken();
    mockProfile();
    const first = await agent.get('/callback').query({ code: 'c1', state: tab1.state });
    expect(first.headers['location']).to.equal('/home');
    mockToken();
    mockProfile();
    const second = await agent.get('/callback').query({ code: 'c2', state: tab2.state });
    expect(second.headers['location']).to.equal('/home');
    const me = await agent.get('/me');
    expect(me.body.user).to.include({ id: '6263975862861824' });
  });

  it('still uses each state once after the session was regenerated', async () => {
    const agent = agentFor(sessionApp());
    const tab1 = await startLogin(agent);
    await startLogin(agent);
    mockToken();
    mockProfile();
    await agent.get('/callback').query({ code: 'c1', state: tab1.state }).expect(302);
    const replay = await agent.get('/callback').query({ code: 'c1', state: tab1.state });
    expect(replay.headers['location']).to.equal('/failed');
  });
});
