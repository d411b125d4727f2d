/**
 * The package in the hosts users run it in: each host project installs the packed tarball,
 * compiles with its own tsconfig, and each of its apps is logged in to over real sockets, with
 * OAuth and with an API key, against the emulator from the installed `passport-agilecrm/testing`.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { readmePrograms } from './docs';
import { HOSTS, type Host, type HostApp, type Login } from './hosts';
import { DEMO, apiKeyLogin, oauthLogin, unlinkedLoginStart, type AppShape } from './login';
import { startServer, type RunningServer } from './processes';
import {
  addFiles,
  compileHost,
  importedPackages,
  installHost,
  installedCopies,
  packTarball,
  removeTarball,
  treeProblems,
} from './project';

/** Settings the emulator launcher prints. */
interface EmulatorSettings {
  baseURL: string;
  clientID: string;
  clientSecret: string;
}

const EMULATOR_MAIN = readFileSync(path.join(__dirname, 'emulator-main.ts'), 'utf8');
/** No server outlives this, whatever happens to the suite. */
const SERVER_LIFETIME = 10 * 60_000;

describe('hosts', function () {
  this.timeout(60_000);

  let tarball: string;
  before(async function () {
    this.timeout(240_000);
    tarball = await packTarball();
  });
  after(() => removeTarball());

  for (const host of HOSTS) describeHost(host, () => tarball);
});

function describeHost(host: Host, tarball: () => string): void {
  describe(host.title, () => {
    let work = '';
    let emulator: RunningServer | undefined;
    let settings: EmulatorSettings;

    before(async function () {
      // A first run installs from the registry; later ones reuse the install.
      this.timeout(900_000);
      work = await installHost(host.name, tarball(), host.shared);
      await addFiles(work, {
        'test/emulator.ts': EMULATOR_MAIN,
        ...(host.readme ? readmePrograms() : {}),
      });
    });

    after(() => emulator?.stop());

    it(`compiles with its tsconfig (${host.tsconfigs.join(', ')})`, async function () {
      this.timeout(300_000);
      for (const tsconfig of host.tsconfigs) await compileHost(work, tsconfig);
    });

    it(`has one copy each of ${host.single.join(', ')}`, async () => {
      for (const name of host.single) {
        expect(await installedCopies(work, name), name).to.deep.equal([`node_modules/${name}`]);
      }
    });

    it('has every dependency within its range, as npm ls checks', async () => {
      expect(await treeProblems(work)).to.deep.equal([]);
    });

    it("starts the emulator from the installed 'passport-agilecrm/testing'", async () => {
      emulator = await startServer('dist/test/emulator.js', {
        cwd: work,
        env: {},
        ready: /^emulator (\{.*\})$/,
        startTimeout: 20_000,
        lifetime: SERVER_LIFETIME,
      });
      settings = JSON.parse(emulator.ready[1]!) as EmulatorSettings;
      expect(settings.baseURL).to.match(/^http:\/\/127\.0\.0\.1:\d+\/\{domain\}$/);
    });

    for (const app of host.apps) describeApp(app, () => ({ work, settings }));
  });
}

function describeApp(app: HostApp, laidOut: () => { work: string; settings: EmulatorSettings }) {
  const shape: AppShape = { pending: app.pending ?? 'session', user: app.user ?? 'session' };
  describe(app.title, () => {
    let server: RunningServer | undefined;
    let url = '';

    before(async () => {
      const { work, settings } = laidOut();
      server = await startServer(app.entry, {
        cwd: work,
        env: {
          PORT: '0',
          AGILECRM_CLIENT_ID: settings.clientID,
          AGILECRM_CLIENT_SECRET: settings.clientSecret,
          AGILECRM_BASE_URL: settings.baseURL,
          AGILECRM_DOMAIN: DEMO.domain,
          SESSION_SECRET: 'hosts-suite-session-secret-0123456789',
          PENDING_LOGIN_SECRET: 'hosts-suite-pending-login-secret-0123456789',
          JWT_SECRET: 'hosts-suite-jwt-secret-0123456789',
          ...app.env,
        },
        ready: /Listening on (http:\/\/127\.0\.0\.1:\d+)/,
        startTimeout: 30_000,
        lifetime: SERVER_LIFETIME,
      });
      url = server.ready[1]!;
    });

    after(() => server?.stop());

    if (shape.user === 'token') {
      it('loads no session middleware', async () => {
        const imported = await importedPackages(laidOut().work, app.entry);
        expect(imported).to.include('passport-agilecrm');
        expect(imported).not.to.include('express-session');
      });
    }

    for (const login of app.logins) {
      if (login.kind === 'unlinked') {
        it(`fails the login start at ${login.path} at once, saying request.res is missing`, async () => {
          // Twice: the error ends that request only.
          for (const attempt of [1, 2]) {
            const { status, body } = await unlinkedLoginStart(url, login.path);
            expect(status, `attempt ${attempt}`).to.equal(500);
            expect(JSON.parse(body))
              .to.have.property('message')
              .that.includes('CookiePendingLoginStore needs the response to set its cookie')
              .and.includes('request.res = reply');
          }
        });
        continue;
      }
      it(title(login), async () => {
        const user = await runLogin(url, login, DEMO.apiKey, shape).catch((err: unknown) => {
          throw withOutput(err, server);
        });
        expect(user).to.include({ id: DEMO.userID, name: DEMO.name, domain: DEMO.domain });
      });
      if (login.kind === 'apikey') {
        it('refuses a wrong API key', async () => {
          expect(await runLogin(url, login, 'not-the-key', shape)).to.equal(undefined);
        });
      }
    }
  });
}

function title(login: Login): string {
  return login.kind === 'oauth'
    ? `logs in with Agile CRM (OAuth) from ${login.path}, and refuses its callback replayed`
    : `logs in with an API key posted to ${login.path}`;
}

function runLogin(url: string, login: Login, apiKey: string, shape: AppShape): Promise<unknown> {
  return login.kind === 'oauth'
    ? oauthLogin(url, login.path, shape)
    : apiKeyLogin(url, login.path, { domain: DEMO.domain, email: DEMO.email, apiKey }, shape);
}

/** Adds what the app printed to a failure, where the app's own error usually is. */
function withOutput(err: unknown, server: RunningServer | undefined): unknown {
  if (!(err instanceof Error) || server === undefined) return err;
  err.message += `\n--- app output ---\n${server.output().slice(-4000)}`;
  return err;
}
