/**
 * The demo, clicked through in a real browser: OAuth login with the consent page, the profile
 * with contacts, paging, a token refresh after expiry, the deny path, API-key login, logout and
 * the back button.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, watchProblems } from '../support/chromium';
import { startDemo, type DemoServer } from '../support/demo-server';

const SCREENSHOT = 'docs/example-profile.png';
// Access tokens live 6 s and are refreshed 5 s before they expire: after about a second the
// next page load refreshes, so the refresh can be seen without a long wait.
const TOKEN_TTL = '6';

describe('example app in Chromium (demo mode)', () => {
  let demo: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  before(async () => {
    [demo, browser] = await Promise.all([
      startDemo({ DEMO_TOKEN_TTL: TOKEN_TTL }),
      launchChromium(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 960, height: 760 } });
    page = await context.newPage();
    problems = watchProblems(page);
  });
  afterEach(async () => {
    await context.close();
  });

  async function logInWithAgileCRM(decision: 'Approve' | 'Deny'): Promise<void> {
    await page.goto(demo.url);
    expect(await page.locator('#account').inputValue()).to.equal('demo');
    await page.getByRole('button', { name: 'Log in with Agile CRM' }).click();
    await page.waitForURL(/\/oauth\/authorize/);
    expect(await page.locator('h1').textContent()).to.include(
      'wants to access your Agile CRM account',
    );
    await page.getByRole('button', { name: decision }).click();
    await page.waitForLoadState('load');
  }

  it('logs in through the consent page and shows the profile with contacts', async () => {
    await logInWithAgileCRM('Approve');
    expect(new URL(page.url()).pathname).to.equal('/profile');
    expect(await page.locator('h1').textContent()).to.equal('Dana Demo');
    const details = await page.locator('.profile dl').textContent();
    expect(details).to.include('demo@example.com');
    expect(details).to.include('demo.agilecrm.com');
    expect(await page.locator('tbody tr').count()).to.equal(10);
    // The avatar (served by the emulator) loaded: the CSP allows it.
    const avatarWidth = await page
      .locator('.profile img')
      .evaluate((img) => Number(Reflect.get(img, 'naturalWidth')));
    expect(avatarWidth).to.be.greaterThan(0);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const firstPage = await page.locator('tbody tr td:first-child').allTextContents();
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/\/profile\?cursor=/);
    const secondPage = await page.locator('tbody tr td:first-child').allTextContents();
    expect(secondPage).to.have.length(10);
    expect(secondPage.some((name) => firstPage.includes(name))).to.equal(false);
    expect(problems).to.deep.equal([]);
  });

  it('refreshes the access token after it expires and keeps showing the profile', async () => {
    await logInWithAgileCRM('Approve');
    expect(new URL(page.url()).pathname).to.equal('/profile');
    const refreshes = (): number => demo.output().split('Access token refreshed').length - 1;
    const before = refreshes();
    await page.waitForTimeout(1500);
    await page.reload();
    expect(await page.locator('h1').textContent()).to.equal('Dana Demo');
    expect(await page.locator('tbody tr').count()).to.equal(10);
    expect(refreshes()).to.be.greaterThan(before);
    expect(problems).to.deep.equal([]);
  });

  it('shows a friendly page with a retry link when consent is denied', async () => {
    await logInWithAgileCRM('Deny');
    expect(new URL(page.url()).pathname).to.equal('/auth/agilecrm/callback');
    expect(await page.locator('h1').textContent()).to.equal('Access was not granted');
    await page.getByRole('link', { name: 'Try again' }).click();
    await page.waitForURL(`${demo.url}/`);
    expect(await page.getByRole('button', { name: 'Log in with Agile CRM' }).count()).to.equal(1);
  });

  it('logs in with the API-key form', async () => {
    const cookieNames = async (): Promise<string[]> =>
      (await context.cookies()).map((c) => c.name).sort();
    await page.goto(demo.url);
    await page.getByLabel('Login email').fill('demo@example.com');
    await page.getByLabel('REST API key').fill('wrong-key');
    await page.getByRole('button', { name: 'Connect with API key' }).click();
    expect(await page.getByRole('alert').textContent()).to.include(
      'Invalid Agile CRM email or API key',
    );
    // Not logged in yet: the form's CSRF token is in a cookie, and no session was started.
    expect(await cookieNames()).to.deep.equal(['agilecrm_example.csrf']);

    await page.getByLabel('REST API key').fill('demo-api-key');
    await page.getByRole('button', { name: 'Connect with API key' }).click();
    await page.waitForURL(/\/profile$/);
    expect(await page.locator('h1').textContent()).to.equal('Dana Demo');
    expect(await page.locator('.profile dl').textContent()).to.include('REST API key');
    expect(await page.locator('tbody tr').count()).to.equal(10);
    expect(await cookieNames()).to.deep.equal(['agilecrm_example.csrf', 'agilecrm_example.sid']);
  });

  it('logs out, and the back button does not show the profile again', async () => {
    await logInWithAgileCRM('Approve');
    expect(await page.locator('h1').textContent()).to.equal('Dana Demo');
    const sessionCookie = async (): Promise<string | undefined> =>
      (await context.cookies()).find((c) => c.name === 'agilecrm_example.sid')?.value;
    const loggedIn = await sessionCookie();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/\?notice=logged-out$/);
    expect(await page.getByRole('status').first().textContent()).to.include(
      'You have been logged out.',
    );
    expect(await sessionCookie()).not.to.equal(loggedIn);

    await page.goBack();
    await page.waitForLoadState('load');
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).not.to.include('Dana Demo');
    expect(text).not.to.include('Contacts');
    expect(text).to.include('Please log in to see that page.');
    expect(problems).to.deep.equal([]);
  });
});
